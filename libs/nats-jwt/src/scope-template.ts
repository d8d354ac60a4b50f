import type { Permission, UserPermissionLimits } from './claims.js';
import { cloneJson } from './claims.js';

// nats-server's processUserPermissionsTemplate: a user_scope template may use {{name()}},
// {{subject()}}, {{account-name()}}, {{account-subject()}}, {{tag(x)}} and {{account-tag(x)}}
// in pub/sub allow/deny subjects.

const MUSTACHE = /\{\{([^}]+)\}\}/g;
const MAX_EXPANSIONS = 4096;

export interface TemplateContext {
  userName: string;
  userSubject: string;
  userTags: string[];
  accountName: string;
  accountSubject: string;
  accountTags: string[];
}

export class TemplateError extends Error {}

/** nats-server's IsValidSubject: non-empty tokens, no whitespace, '>' only as the last token. */
export function isValidSubject(s: string): boolean {
  if (s === '' || /[\s]/.test(s)) return false;
  const tokens = s.split('.');
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === '') return false;
    if (t === '>' && i !== tokens.length - 1) return false;
  }
  return true;
}

function tagOp(op: string): [kind: 'tag' | 'account-tag', name: string] | undefined {
  const lower = op.toLowerCase();
  if (lower.startsWith('tag(') && op.endsWith(')')) return ['tag', op.slice(4, -1)];
  if (lower.startsWith('account-tag(') && op.endsWith(')')) return ['account-tag', op.slice(12, -1)];
  return undefined;
}

function valuesFor(op: string, ctx: TemplateContext): string[] | 'tag-missing' {
  const lower = op.toLowerCase();
  if (lower === 'name()') return [ctx.userName];
  if (lower === 'subject()') return [ctx.userSubject];
  if (lower === 'account-name()') return [ctx.accountName];
  if (lower === 'account-subject()') return [ctx.accountSubject];
  const tag = tagOp(op);
  if (!tag) throw new TemplateError(`template operation ${JSON.stringify(op)} is not defined`);
  const prefix = `${tag[1].toLowerCase()}:`;
  const values = (tag[0] === 'tag' ? ctx.userTags : ctx.accountTags)
    .filter((t) => typeof t === 'string' && t.startsWith(prefix))
    .map((t) => t.slice(prefix.length));
  return values.length > 0 ? values : 'tag-missing';
}

function applyTemplate(list: string[] | undefined, ctx: TemplateContext, failOnBadSubject: boolean): string[] | undefined {
  if (!list || !list.some((s) => /\{\{[^}]+\}\}/.test(s))) return list;
  const out: string[] = [];
  for (const entry of list) {
    const tokens = entry.match(MUSTACHE) ?? [];
    const values: string[][] = [];
    for (const tk of tokens) {
      const v = valuesFor(tk.slice(2, -2).trim(), ctx);
      if (v === 'tag-missing') {
        if (failOnBadSubject) throw new TemplateError('generated invalid subject: tag is not defined');
        values.push([' ']); // yields an invalid subject, dropped below
      } else values.push(v);
    }
    let count = 1;
    for (const v of values) {
      count *= v.length;
      if (count > MAX_EXPANSIONS || out.length + count > MAX_EXPANSIONS) throw new TemplateError(`template expansion exceeds limit: ${MAX_EXPANSIONS}`);
    }
    const idx = new Array<number>(values.length).fill(0);
    for (let n = 0; n < count; n++) {
      let subj = entry;
      for (let j = 0; j < tokens.length; j++) subj = subj.split(tokens[j]!).join(values[j]![idx[j]!]!);
      if (isValidSubject(subj)) out.push(subj);
      else if (failOnBadSubject) throw new TemplateError('generated invalid subject');
      for (let j = idx.length - 1; j >= 0; j--) {
        if (++idx[j]! < values[j]!.length) break;
        idx[j] = 0;
      }
    }
  }
  return out;
}

function applyPermission(p: Permission | undefined, ctx: TemplateContext): void {
  if (!p) return;
  const allowWasSet = (p.allow?.length ?? 0) > 0;
  const allow = applyTemplate(p.allow, ctx, false);
  const deny = applyTemplate(p.deny, ctx, true);
  if (allow !== undefined) p.allow = allow;
  if (deny !== undefined) p.deny = deny;
  // An allow list emptied by the template must not turn into "allow everything".
  if (allowWasSet && (p.allow?.length ?? 0) === 0 && !(p.deny ?? []).includes('>')) p.deny = [...(p.deny ?? []), '>'];
}

/** The scope template with templates resolved for this user; throws TemplateError. */
export function applyUserScope(template: UserPermissionLimits, ctx: TemplateContext): UserPermissionLimits {
  const lim = cloneJson(template ?? {});
  applyPermission(lim.sub, ctx);
  applyPermission(lim.pub, ctx);
  return lim;
}
