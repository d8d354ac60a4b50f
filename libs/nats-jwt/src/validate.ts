import { isIP } from 'node:net';
import type { AccountClaims, Export, Import, UserScope } from './account-claims.js';
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
  if (typeof src === 'string')
    return src
      .toLowerCase()
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  return Array.isArray(src) ? src : [];
}

export function limitsProblems(l: UserPermissionLimits, out: string[] = []): string[] {
  if (l.src !== undefined && l.src !== null && typeof l.src !== 'string' && !Array.isArray(l.src)) out.push('src is not a list of CIDRs');
  for (const cidr of srcList(l.src)) if (!parseCidr(cidr)) out.push(`invalid cidr ${JSON.stringify(String(cidr)).slice(0, 60)} in user src limits`);
  if (l.times !== undefined && l.times !== null) {
    if (!Array.isArray(l.times)) out.push('times is not a list');
    else
      for (const t of l.times as TimeRange[]) {
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

/** One problem of a claim set: `path` names the field in the JWT (`nats.exports[2].account_token_position`). */
export interface ClaimIssue {
  path: string;
  message: string;
}

/** The problems of an account JWT's claims, as messages (nats-server refuses the account on any). */
export function validateAccount(c: AccountClaims): string[] {
  return accountIssues(c).map((i) => i.message);
}

/**
 * nats-io/jwt v2.3.0's AccountClaims.Validate (what nats-server 2.9 runs on every account JWT it
 * loads, refusing the whole account on a blocking issue), with the field each problem is about.
 */
export function accountIssues(c: AccountClaims): ClaimIssue[] {
  const out: ClaimIssue[] = [];
  const at = (path: string) => (problems: string[]) => {
    for (const message of problems) out.push({ path, message });
  };
  const n = c.nats;
  if (n.signing_keys !== undefined) {
    const add = at('nats.signing_keys');
    const p: string[] = [];
    if (!Array.isArray(n.signing_keys)) p.push('signing_keys is not a list');
    else
      for (const k of n.signing_keys) {
        if (typeof k === 'string') {
          if (!isAccountKey(k)) p.push(`${JSON.stringify(String(k).slice(0, 60))} is not a valid account signing key`);
        } else if (k && typeof k === 'object' && (k as UserScope).kind === 'user_scope') validateScope(k as UserScope, p);
        else p.push('unknown signing key scope');
      }
    add(p);
  }
  if (n.revocations !== undefined && (n.revocations === null || typeof n.revocations !== 'object' || Array.isArray(n.revocations))) {
    out.push({ path: 'nats.revocations', message: 'revocations is not an object' });
  }
  at('nats.default_permissions')(permissionsProblems(n.default_permissions));
  importsIssues(c.sub, n.imports, out);
  exportsIssues(n.exports, out);
  limitsIssues(n, out);
  mappingsIssues(n.mappings, out);
  at('nats')(infoProblems(n));
  return out;
}

const quote = (v: unknown, max = 80) => JSON.stringify(String(v)).slice(0, max);

/** nats-io v2.3.0's Subject.HasWildCards (token-wise `*` or a final `>`). */
export function hasWildcards(s: string): boolean {
  return s.endsWith('.>') || s.includes('.*.') || s.endsWith('.*') || s.startsWith('*.') || s === '*' || s === '>';
}

function exportsIssues(list: unknown, out: ClaimIssue[]): void {
  if (list === undefined) return;
  if (!Array.isArray(list)) return void out.push({ path: 'nats.exports', message: 'exports is not a list' });
  const byKind: Record<'service' | 'stream', string[]> = { service: [], stream: [] };
  list.forEach((e: Export | null, i) => {
    const at = (field: string, message: string) => out.push({ path: `nats.exports[${i}]${field ? `.${field}` : ''}`, message });
    if (!e || typeof e !== 'object') return at('', 'null export is not allowed');
    const service = e.type === 'service';
    if (!service && e.type !== 'stream') at('type', `invalid export type: ${quote(e.type, 40)}`);
    if (typeof e.subject === 'string') byKind[service ? 'service' : 'stream'].push(e.subject);
    const rt = e.response_type as unknown;
    if (service && rt !== undefined && rt !== '' && rt !== 'Singleton' && rt !== 'Stream' && rt !== 'Chunked') {
      at('response_type', `invalid response type for service: ${quote(rt, 40)}`);
    }
    if (e.type === 'stream' && rt !== undefined && rt !== '') at('response_type', `invalid response type for stream: ${quote(rt, 40)}`);
    if (e.service_latency !== undefined && e.service_latency !== null) {
      const l = e.service_latency;
      if (!service) at('service_latency', 'latency tracking only permitted for services');
      const s = l.sampling as unknown;
      const headers = typeof s === 'string' && s.toLowerCase() === 'headers';
      if (!headers && s !== undefined && !(Number.isInteger(s) && ((s as number) === 0 || ((s as number) >= 1 && (s as number) <= 100)))) {
        at('service_latency.sampling', 'sampling percentage needs to be between 1-100');
      }
      const r = subjectProblem(l.results);
      if (r) at('service_latency.results', r);
      else if (hasWildcards(l.results)) at('service_latency.results', 'results subject can not contain wildcards');
    }
    const th = e.response_threshold as unknown;
    if (th !== undefined && (typeof th !== 'number' || !Number.isInteger(th)))
      at('response_threshold', 'response threshold is not a whole number of nanoseconds');
    else if (typeof th === 'number' && th < 0) at('response_threshold', 'negative response threshold is invalid');
    else if (typeof th === 'number' && th > 0 && !service) at('response_threshold', 'response threshold only valid for services');
    const sp = subjectProblem(e.subject);
    if (sp) at('subject', sp);
    const pos = e.account_token_position as unknown;
    // Go reads it into a uint: anything else makes the whole JWT undecodable.
    if (pos !== undefined && (typeof pos !== 'number' || !Number.isInteger(pos) || pos < 0)) {
      at('account_token_position', 'Account Token Position must be a positive integer');
    } else if (typeof pos === 'number' && pos > 0 && typeof e.subject === 'string') {
      const tokens = e.subject.split('.');
      if (!hasWildcards(e.subject)) at('account_token_position', `Account Token Position can only be used with wildcard subjects: ${e.subject}`);
      else if (pos > tokens.length) at('account_token_position', `Account Token Position ${pos} exceeds length of subject '${e.subject}'`);
      else if (tokens[pos - 1] !== '*')
        at('account_token_position', `Account Token Position ${pos} matches '${tokens[pos - 1]}' but must match a * in: ${e.subject}`);
    }
    for (const message of infoProblems(e)) at('', message);
  });
  // nats-io's isContainedIn: no export of a kind may cover another export of the same kind.
  for (const kind of ['service', 'stream'] as const) {
    const subjects = byKind[kind];
    const reported = new Set<string>();
    subjects.forEach((s, i) => {
      subjects.forEach((other, j) => {
        if (i === j || reported.has(other) || !isSubjectContainedIn(s, other)) return;
        reported.add(other);
        out.push({ path: 'nats.exports', message: `${kind} export subject ${JSON.stringify(other)} already exports ${JSON.stringify(s)}` });
      });
    });
  }
}

function importsIssues(account: string, list: unknown, out: ClaimIssue[]): void {
  if (list === undefined) return;
  if (!Array.isArray(list)) return void out.push({ path: 'nats.imports', message: 'imports is not a list' });
  const serviceSubjects: string[] = [];
  list.forEach((i: Import | null, idx) => {
    const at = (field: string, message: string) => out.push({ path: `nats.imports[${idx}]${field ? `.${field}` : ''}`, message });
    if (!i || typeof i !== 'object') return at('', 'null import is not allowed');
    if (i.type === 'service') {
      // nats-io's Imports.Validate: service imports may not overlap where importers publish.
      const sub = i.to || (typeof i.local_subject === 'string' && i.local_subject ? renamedToSubject(i.local_subject) : i.subject);
      if (typeof sub === 'string') {
        for (const k of serviceSubjects) {
          if (isSubjectContainedIn(sub, k) || isSubjectContainedIn(k, sub))
            at(i.local_subject ? 'local_subject' : 'subject', `overlapping subject namespace for ${JSON.stringify(sub)} and ${JSON.stringify(k)}`);
        }
        serviceSubjects.push(sub);
      }
    }
    if (i.type !== 'stream' && i.type !== 'service') at('type', `invalid import type: ${quote(i.type, 40)}`);
    if (!i.account) at('account', 'account to import from is not specified');
    const sp = subjectProblem(i.subject);
    if (sp) at('subject', sp);
    if (i.local_subject) {
      for (const message of renamingProblems(i.local_subject, typeof i.subject === 'string' ? i.subject : '')) at('local_subject', message);
      if (i.to) at('local_subject', 'Local Subject replaces To');
    }
    if (i.share && i.type !== 'service') at('share', `sharing information (for latency tracking) is only valid for services: ${quote(i.subject)}`);
    const tp: string[] = [];
    importTokenProblems(account, i, tp);
    for (const message of tp) at('token', message);
  });
}

/** nats-io's RenamingSubject.ToSubject: `$N` references read as `*`. */
function renamedToSubject(s: string): string {
  return s
    .split('.')
    .map((t) => (/^\$[+-]?\d+$/.test(t) ? '*' : t))
    .join('.');
}

/** nats-io v2.3.0's RenamingSubject.Validate(from). */
function renamingProblems(s: string, from: string): string[] {
  const out: string[] = [];
  const p = subjectProblem(s);
  if (p) out.push(p);
  if (from === '') out.push('subject cannot be empty');
  const endsWide = (v: string) => v === '>' || v.endsWith('.>');
  if (endsWide(s) !== endsWide(from)) out.push('both, renaming subject and subject, need to end or not end in >');
  const fromCnt = from.split('.').filter((t) => t === '*').length;
  let refCnt = 0;
  for (const tk of s.split('.')) {
    if (tk === '*') refCnt++;
    if (tk.length < 2 || tk[0] !== '$' || !/^[+-]?\d+$/.test(tk.slice(1))) continue;
    const idx = Number(tk.slice(1));
    if (idx > fromCnt) out.push(`Reference $${idx} in ${JSON.stringify(s)} reference * in ${JSON.stringify(from)} that do not exist`);
    else refCnt++;
  }
  if (refCnt !== fromCnt) out.push('subject does not contain enough * or reference wildcards $[0-9]');
  return out;
}

function limitsIssues(n: AccountClaims['nats'], out: ClaimIssue[]): void {
  const l = n.limits ?? {};
  const at = (path: string, message: string) => out.push({ path: `nats.limits${path ? `.${path}` : ''}`, message });
  // nats-io's tiered-vs-plain JetStream limits check is left out: the reference nats-server 2.9.10 takes both.
  // An absent limit reads as 0 in Go: only -1 is unlimited.
  const imports = Array.isArray(n.imports) ? n.imports.length : 0;
  const exports = Array.isArray(n.exports) ? n.exports : [];
  const max = (v: number | undefined) => v ?? 0;
  if (max(l.imports) !== -1 && imports > max(l.imports)) at('imports', 'the account contains more imports than allowed by the operator');
  if (max(l.exports) !== -1) {
    if (exports.length > max(l.exports)) at('exports', 'the account contains more exports than allowed by the operator');
    if (!l.wildcards && exports.some((e) => e && typeof e.subject === 'string' && hasWildcards(e.subject))) {
      at('wildcards', 'the account contains wildcard exports that are not allowed by the operator');
    }
  }
}

/**
 * nats-io/jwt v2.3.0's OperatorLimits.Validate: plain and tiered JetStream limits exclude each other,
 * and no tier is named "". nats-server 2.9.10 loads such a JWT anyway (the plain limits win), so
 * accountIssues leaves these out; an issuer that means what it signs refuses them.
 */
export function jetStreamLimitsIssues(l: AccountClaims['nats']['limits']): ClaimIssue[] {
  const out: ClaimIssue[] = [];
  const tiers = l?.tiered_limits;
  if (!l || !tiers || typeof tiers !== 'object' || Object.keys(tiers).length === 0) return out;
  const plain = JETSTREAM_LIMIT_FIELDS.some((k) => l[k] !== undefined && l[k] !== 0 && l[k] !== false);
  if (plain) out.push({ path: 'nats.limits.tiered_limits', message: 'JetStream Limits and tiered JetStream Limits are mutually exclusive' });
  if (Object.hasOwn(tiers, '')) out.push({ path: 'nats.limits.tiered_limits', message: 'Tiered JetStream Limits can not contain a blank "" tier name' });
  return out;
}

const JETSTREAM_LIMIT_FIELDS = [
  'mem_storage',
  'disk_storage',
  'streams',
  'consumer',
  'max_ack_pending',
  'mem_max_stream_bytes',
  'disk_max_stream_bytes',
  'max_bytes_required',
] as const;

function mappingsIssues(m: AccountClaims['nats']['mappings'], out: ClaimIssue[]): void {
  if (m === undefined || m === null) return;
  if (typeof m !== 'object' || Array.isArray(m)) return void out.push({ path: 'nats.mappings', message: 'mappings is not an object' });
  for (const [from, targets] of Object.entries(m)) {
    const at = (message: string) => out.push({ path: `nats.mappings[${JSON.stringify(from)}]`, message });
    const fp = subjectProblem(from);
    if (fp) at(fp);
    if (!Array.isArray(targets)) {
      at('mapping targets are not a list');
      continue;
    }
    let total = 0;
    const perCluster = new Map<string, number>();
    for (const t of targets) {
      const tp = subjectProblem(t?.subject);
      if (tp) at(tp);
      const w = typeof t?.weight === 'number' ? t.weight : 0;
      if (t?.cluster) {
        const sum = (perCluster.get(t.cluster) ?? 0) + w;
        perCluster.set(t.cluster, sum);
        if (sum > 100) at(`Mapping ${JSON.stringify(from)} in cluster ${JSON.stringify(t.cluster)} exceeds 100% among all of it's weighted to mappings`);
      } else total += w === 0 ? 100 : w;
    }
    if (total > 100) at(`Mapping ${JSON.stringify(from)} exceeds 100% among all of it's weighted to mappings`);
  }
}

const MAX_INFO_LENGTH = 8 * 1024;

/** nats-io's Info.Validate (description and info_url of accounts and exports). */
function infoProblems(i: { description?: unknown; info_url?: unknown }): string[] {
  const out: string[] = [];
  if (typeof i.description === 'string' && Buffer.byteLength(i.description) > MAX_INFO_LENGTH) out.push('Description is too long');
  if (typeof i.info_url === 'string' && i.info_url !== '') {
    if (Buffer.byteLength(i.info_url) > MAX_INFO_LENGTH) out.push('Info URL is too long');
    let ok = false;
    try {
      const u = new URL(i.info_url);
      ok = u.protocol !== '' && u.hostname !== '';
    } catch {
      ok = false;
    }
    if (!ok) out.push('error parsing info url: no hostname or scheme');
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
