// What a PostgreSQL text (and jsonb) value can hold: UTF-8 without NUL. A JavaScript string with a
// NUL or a lone surrogate half is refused by the database (and the audit row's jsonb), so APIs refuse
// it up front with a message naming the field instead of failing in the query.

/** A high half not followed by a low one, or a low half not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `s` cannot be stored as text, or undefined when it can. */
export function textProblem(s: string): string | undefined {
  if (s.includes('\u0000')) return 'must not contain a NUL character (\\u0000)';
  if (LONE_SURROGATE.test(s)) return 'must be valid Unicode (it has a lone surrogate, e.g. \\ud800)';
  return undefined;
}

export interface TextProblem {
  /** Dotted path of the offending string (object keys included), '' for `value` itself. */
  path: string;
  message: string;
}

/** Every string in a JSON-like value (object keys too) that text columns would refuse. */
export function textProblems(value: unknown, path = ''): TextProblem[] {
  if (typeof value === 'string') {
    const m = textProblem(value);
    return m ? [{ path, message: m }] : [];
  }
  if (value === null || typeof value !== 'object') return [];
  const out: TextProblem[] = [];
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  for (const [k, v] of entries) {
    const at = path ? `${path}.${k}` : k;
    const km = textProblem(k);
    if (km) out.push({ path: at, message: `key ${km}` });
    out.push(...textProblems(v, at));
  }
  return out;
}
