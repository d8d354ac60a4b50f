import type { PermissionsConfig, SubjectPermission } from '@switchboard/accounts';
import { parseDuration } from '@switchboard/config';
import { isValidSubject } from '@switchboard/subjects';
import { at, configError, goValue, int, isMap, map, str } from './config-values.js';
import { DEFAULT_RESPONSE_PERMISSION, type ResponsePermission } from './permissions.js';

// A permissions block as nats-server's parseUserPermissions reads it: for users and
// `authorization { permissions }` (publish/subscribe), and for routes (import/export, the same keys).

/** nats-server's user permissions block: `{ publish: ..., subscribe: ... }`. */
export function permissionsFromConfig(v: unknown): PermissionsConfig {
  const out: PermissionsConfig = {};
  if (!isMap(v)) throw configError(`Expected permissions to be a map/struct, got ${goValue(v)}`);
  const m = v;
  for (const [rawKey, x] of Object.entries(m))
    at(m, rawKey, () => {
      switch (rawKey.toLowerCase()) {
        case 'pub':
        case 'publish':
        case 'import':
          out.publish = subjectPermission(x, rawKey);
          break;
        case 'sub':
        case 'subscribe':
        case 'export':
          out.subscribe = subjectPermission(x, rawKey);
          break;
        case 'allow_responses':
        case 'responses':
          break; // read by allowResponses
        default:
          throw configError(`Unknown field "${rawKey}" parsing permissions`);
      }
    });
  return out;
}

/** nats-server's `allow_responses`: true (1 reply within 2 minutes), or `{ max, expires }`. */
export function allowResponses(v: unknown): ResponsePermission | undefined {
  const m = map(v, 'permissions');
  const key = Object.keys(m).find((k) => ['allow_responses', 'responses'].includes(k.toLowerCase()));
  if (key === undefined) return undefined;
  let out: ResponsePermission | undefined;
  at(m, key, () => {
    const x = m[key];
    if (typeof x === 'boolean') {
      out = x ? { ...DEFAULT_RESPONSE_PERMISSION } : undefined;
      return;
    }
    const r = { ...DEFAULT_RESPONSE_PERMISSION };
    const rm = map(x, key);
    for (const [k, y] of Object.entries(rm))
      at(rm, k, () => {
        switch (k.toLowerCase()) {
          case 'max':
          case 'max_msgs':
          case 'max_messages':
          case 'max_responses':
            r.maxMsgs = int(y, k);
            break;
          case 'expires':
          case 'expiration':
          case 'ttl':
            r.ttlMs = parseDuration(y);
            break;
          default:
            throw configError(`Unknown field "${k}" parsing permissions`);
        }
      });
    out = r;
  });
  return out;
}

/** A string or list is the allow list; a map has `allow` and/or `deny`. */
function subjectPermission(v: unknown, key: string): SubjectPermission {
  if (typeof v === 'string' || Array.isArray(v)) return { allow: subjectList(v, key) };
  const out: SubjectPermission = {};
  const m = map(v, key);
  for (const [rawKey, x] of Object.entries(m))
    at(m, rawKey, () => {
      switch (rawKey.toLowerCase()) {
        case 'allow':
          out.allow = subjectList(x, `${key}.allow`);
          break;
        case 'deny':
          out.deny = subjectList(x, `${key}.deny`);
          break;
        default:
          throw configError(`Unknown field name "${rawKey}" parsing subject permissions, only 'allow' or 'deny' are permitted`);
      }
    });
  return out;
}

function subjectList(v: unknown, key: string): string[] {
  const list = Array.isArray(v) ? v : [v];
  return list.map((x) => {
    const s = str(x, key).trim();
    const parts = s.split(/\s+/);
    if (s === '' || parts.length > 2 || !isValidSubject(parts[0]!)) {
      throw configError(`invalid subject ${JSON.stringify(s)} in ${key} permissions`);
    }
    return s;
  });
}
