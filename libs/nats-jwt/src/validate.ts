import { isIP } from 'node:net';
import type { AccountClaims, Import, UserScope } from './account-claims.js';
import { verify } from './jwt.js';
import type { ActivationClaims } from './activation-claims.js';
import type { Permission, Permissions, TimeRange, UserPermissionLimits } from './claims.js';
import { isAccountKey, isOperatorKey } from './nkey.js';
import type { OperatorClaims } from './operator-claims.js';
import type { UserClaims } from './user-claims.js';

// Content checks after the signature, following nats-io/jwt v2's Validate(): each returns the list
// of problems (empty when valid). Times (exp/nbf) are checked by verify(), not here.

/** nats-io's Subject.Validate: not empty, no spaces, no empty tokens. */
export function subjectProblem(s: unknown): string | undefined {
  if (typeof s !== 'string' || s === '') return 'subject cannot be empty';
  if (s.includes(' ')) return `subject ${JSON.stringify(s)} cannot have spaces`;
  if (s[0] === '.' || s[s.length - 1] === '.') return `subject ${JSON.stringify(s)} cannot start or end with a \`.\``;
  if (s.includes('..')) return `subject ${JSON.stringify(s)} cannot contain consecutive \`.\``;
  return undefined;
}

function checkPermission(out: string[], p: Permission | undefined, permitQueue: boolean, where: string): void {
  if (p === undefined) return;
  if (p === null || typeof p !== 'object') return void out.push(`${where} permission is not an object`);
  for (const list of [p.allow, p.deny]) {
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      out.push(`${where} permission list is not an array`);
      continue;
    }
    for (const subj of list) {
      if (typeof subj !== 'string') {
        out.push(`${where} permission subject is not a string`);
        continue;
      }
      const tk = subj.split(' ');
      if (tk.length > 2) out.push(`Permission Subject ${JSON.stringify(subj)} contains too many spaces`);
      else {
        for (const t of tk) {
          const e = subjectProblem(t);
          if (e) out.push(e);
        }
        if (tk.length === 2 && !permitQueue) out.push(`Permission Subject ${JSON.stringify(subj)} is not allowed to contain queue`);
      }
    }
  }
}

export function permissionsProblems(p: Permissions | undefined, out: string[] = []): string[] {
  if (!p) return out;
  checkPermission(out, p.sub, true, 'sub');
  checkPermission(out, p.pub, false, 'pub');
  if (p.resp !== undefined && p.resp !== null && (typeof p.resp !== 'object' || typeof p.resp.max !== 'number' || typeof p.resp.ttl !== 'number')) {
    out.push('resp permission needs numeric max and ttl');
  }
  return out;
}

/** "15:04:05" as Go's time.Parse reads it: hour 1-2 digits, minutes and seconds 2 digits. */
export function parseClock(s: unknown): number | undefined {
  if (typeof s !== 'string') return undefined;
  const m = /^(\d{1,2}):(\d{2}):(\d{2})$/.exec(s);
  if (!m) return undefined;
  const h = Number(m[1]);
  const mi = Number(m[2]);
  const se = Number(m[3]);
  if (h > 23 || mi > 59 || se > 59) return undefined;
  return (h * 3600 + mi * 60 + se) * 1000;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Parses "ip/bits"; undefined when invalid (Go's net.ParseCIDR). */
export function parseCidr(cidr: unknown): { ip: string; bits: number; family: 4 | 6 } | undefined {
  if (typeof cidr !== 'string') return undefined;
  const slash = cidr.indexOf('/');
  if (slash < 0) return undefined;
  const ip = cidr.slice(0, slash);
  const bitsText = cidr.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText)) return undefined;
  const family = isIP(ip);
  const bits = Number(bitsText);
  if (family === 4 && bits <= 32) return { ip, bits, family };
  if (family === 6 && bits <= 128) return { ip, bits, family };
  return undefined;
}

/** The src list as an array (Go also accepts a comma-separated string). */
export function srcList(src: UserPermissionLimits['src']): string[] {
  if (src === undefined || src === null) return [];
  if (typeof src === 'string') return src.toLowerCase().split(',').map((s) => s.trim()).filter((s) => s !== '');
  return Array.isArray(src) ? src : [];
}

export function limitsProblems(l: UserPermissionLimits, out: string[] = []): string[] {
  if (l.src !== undefined && l.src !== null && typeof l.src !== 'string' && !Array.isArray(l.src)) out.push('src is not a list of CIDRs');
  for (const cidr of srcList(l.src)) if (!parseCidr(cidr)) out.push(`invalid cidr ${JSON.stringify(String(cidr)).slice(0, 60)} in user src limits`);
  if (l.times !== undefined && l.times !== null) {
    if (!Array.isArray(l.times)) out.push('times is not a list');
    else for (const t of l.times as TimeRange[]) {
      if (!t || typeof t !== 'object') out.push('time range is not an object');
      else {
        if (!t.start) out.push('time ranges start must contain a start');
        else if (parseClock(t.start) === undefined) out.push(`start in time range is invalid ${JSON.stringify(String(t.start)).slice(0, 40)}`);
        if (!t.end) out.push('time ranges end must contain an end');
        else if (parseClock(t.end) === undefined) out.push(`end in time range is invalid ${JSON.stringify(String(t.end)).slice(0, 40)}`);
      }
    }
  }
  if (l.times_location !== undefined && l.times_location !== '' && (typeof l.times_location !== 'string' || !isValidTimeZone(l.times_location))) {
    out.push('could not parse iana time zone by name');
  }
  for (const k of ['subs', 'data', 'payload'] as const) if (l[k] !== undefined && typeof l[k] !== 'number') out.push(`${k} limit is not a number`);
  if (l.allowed_connection_types !== undefined && l.allowed_connection_types !== null && !Array.isArray(l.allowed_connection_types)) {
    out.push('allowed_connection_types is not a list');
  }
  return out;
}

export function validateUser(c: UserClaims): string[] {
  const out: string[] = [];
  permissionsProblems(c.nats, out);
  limitsProblems(c.nats, out);
  if (c.nats.issuer_account && !isAccountKey(c.nats.issuer_account)) out.push('account_id is not an account public key');
  return out;
}

function validateScope(s: UserScope, out: string[]): void {
  if (!isAccountKey(s.key)) out.push(`${String(s.key).slice(0, 60)} is not an account public key`);
  if (s.template !== undefined && (s.template === null || typeof s.template !== 'object')) out.push('scope template is not an object');
  else if (s.template) {
    permissionsProblems(s.template, out);
    limitsProblems(s.template, out);
  }
}

export function validateAccount(c: AccountClaims): string[] {
  const out: string[] = [];
  const n = c.nats;
  if (n.signing_keys !== undefined) {
    if (!Array.isArray(n.signing_keys)) out.push('signing_keys is not a list');
    else for (const k of n.signing_keys) {
      if (typeof k === 'string') {
        if (!isAccountKey(k)) out.push(`${JSON.stringify(String(k).slice(0, 60))} is not a valid account signing key`);
      } else if (k && typeof k === 'object' && (k as UserScope).kind === 'user_scope') validateScope(k as UserScope, out);
      else out.push('unknown signing key scope');
    }
  }
  if (n.revocations !== undefined && (n.revocations === null || typeof n.revocations !== 'object' || Array.isArray(n.revocations))) out.push('revocations is not an object');
  permissionsProblems(n.default_permissions, out);
  for (const [list, what] of [[n.exports, 'export'], [n.imports, 'import']] as const) {
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      out.push(`${what}s is not a list`);
      continue;
    }
    for (const e of list as { type?: unknown; subject?: unknown; account?: unknown }[]) {
      if (!e || typeof e !== 'object') {
        out.push(`null ${what} is not allowed`);
        continue;
      }
      if (e.type !== 'stream' && e.type !== 'service') out.push(`invalid ${what} type: ${JSON.stringify(String(e.type)).slice(0, 40)}`);
      const p = subjectProblem(e.subject);
      if (p) out.push(p);
      if (what === 'import') {
        if (!e.account) out.push('account to import from is not specified');
        importTokenProblems(c.sub, e as Import, out);
      }
    }
  }
  return out;
}

/** nats-io's Subject.IsContainedIn: every subject `s` matches is matched by `other`. */
export function isSubjectContainedIn(s: string, other: string): boolean {
  const mine = s.split('.');
  const theirs = other.split('.');
  if (mine.length > theirs.length && theirs[theirs.length - 1] !== '>') return false;
  if (mine.length < theirs.length) return false;
  for (let i = 0; i < theirs.length; i++) {
    const t = theirs[i];
    if (i === theirs.length - 1 && t === '>') return true;
    if (t !== mine[i] && t !== '*') return false;
  }
  return true;
}

// nats-io's Import.Validate: an activation token must verify (times aside), come from the
// exporting account, be made out to this account, and cover the import's kind and subject.
function importTokenProblems(account: string, i: Import, out: string[]): void {
  if (!i.token) return;
  const name = JSON.stringify(String(i.subject)).slice(0, 80);
  let act: ActivationClaims;
  try {
    act = verify(i.token, { type: 'activation', ignoreTimes: true }).claims;
  } catch {
    out.push(`import ${name} contains an invalid activation token`);
    return;
  }
  if (act.iss !== i.account && act.nats.issuer_account !== i.account) out.push(`activation token doesn't match account for import ${name}`);
  if (act.sub !== account) out.push(`activation token doesn't match account it is being included in, ${name}`);
  if (act.nats.kind !== i.type) out.push(`mismatch between token import type and type of import ${name}`);
  out.push(...validateActivation(act));
  const subj = i.type === 'service' && i.to ? i.to : i.subject;
  if (typeof subj !== 'string' || typeof act.nats.subject !== 'string' || !isSubjectContainedIn(subj, act.nats.subject)) {
    out.push(`activation token import subject doesn't match import ${name}`);
  }
}

export function validateOperator(c: OperatorClaims): string[] {
  const out: string[] = [];
  const n = c.nats;
  if (n.signing_keys !== undefined) {
    if (!Array.isArray(n.signing_keys)) out.push('signing_keys is not a list');
    else for (const k of n.signing_keys) if (!isOperatorKey(k)) out.push(`${String(k).slice(0, 60)} is not an operator public key`);
  }
  if (n.system_account && !isAccountKey(n.system_account)) out.push(`${String(n.system_account).slice(0, 60)} is not an account public key`);
  if (n.account_server_url && !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(n.account_server_url)) out.push('account server url requires a protocol');
  return out;
}

export function validateActivation(c: ActivationClaims): string[] {
  const out: string[] = [];
  if (c.nats.kind !== 'stream' && c.nats.kind !== 'service') out.push(`invalid import type: ${JSON.stringify(String(c.nats.kind)).slice(0, 40)}`);
  const p = subjectProblem(c.nats.subject);
  if (p) out.push(p);
  if (c.nats.issuer_account && !isAccountKey(c.nats.issuer_account)) out.push('account_id is not an account public key');
  return out;
}
