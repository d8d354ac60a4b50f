/**
 * Prints a configuration in nats-server's format, so that parseConfig (and
 * nats-server) read back the same values. Strings are always quoted, maps are
 * blocks (`key { ... }`), arrays of plain values stay on one line. Keys whose value
 * is undefined are left out. Values the format cannot hold (null, NaN, functions,
 * Dates with milliseconds...) throw a TypeError.
 */
export function stringifyConfig(config: Record<string, unknown>): string {
  let out = '';
  for (const [key, value] of Object.entries(config)) {
    if (value !== undefined) out += entry(key, value, '') + '\n';
  }
  return out;
}

const INDENT = '  ';
const INT64_LIMIT = 2 ** 63;

function entry(key: string, value: unknown, indent: string): string {
  const k = formatKey(key);
  return isMap(value) ? `${indent}${k} ${formatValue(value, indent)}` : `${indent}${k}: ${formatValue(value, indent)}`;
}

function formatValue(value: unknown, indent: string): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return formatNumber(value);
    case 'bigint':
      if (value < -(2n ** 63n) || value >= 2n ** 63n) throw new TypeError(`integer ${value} does not fit in 64 bits`);
      return value.toString();
  }
  if (value instanceof Date) return formatDate(value);
  if (Array.isArray(value)) return formatArray(value, indent);
  if (isMap(value)) {
    const inner = indent + INDENT;
    const lines: string[] = [];
    for (const [k, v] of Object.entries(value)) if (v !== undefined) lines.push(entry(k, v, inner));
    return lines.length === 0 ? '{}' : `{\n${lines.join('\n')}\n${indent}}`;
  }
  throw new TypeError(`a config value cannot be ${value === null ? 'null' : typeof value}`);
}

function formatArray(items: unknown[], indent: string): string {
  if (items.length === 0) return '[]';
  // An unquoted integer must not touch the ']': the format would read "1]" as text.
  if (items.every((v) => !Array.isArray(v) && !isMap(v))) {
    return `[ ${items.map((v) => formatValue(v, indent)).join(', ')} ]`;
  }
  const inner = indent + INDENT;
  return `[\n${items.map((v) => inner + formatValue(v, inner)).join('\n')}\n${indent}]`;
}

function isMap(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Bare when unambiguous; quoted otherwise (keys have no escapes, so pick the quote it lacks). */
function formatKey(key: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) && key.toLowerCase() !== 'include') return key;
  if (!key.includes('\0')) {
    if (!key.includes('"')) return `"${key}"`;
    if (!key.includes("'")) return `'${key}'`;
  }
  throw new TypeError(`the key ${JSON.stringify(key)} cannot be written in this format`);
}

function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += s[i];
  }
  return out + '"';
}

/** Integers as integers; anything else as a float with a '.', never an exponent (the format has none). */
function formatNumber(n: number): string {
  if (!Number.isFinite(n)) throw new TypeError(`a config value cannot be ${n}`);
  if (Number.isInteger(n) && Math.abs(n) < INT64_LIMIT && !Object.is(n, -0)) return BigInt(n).toString();
  const plain = plainDecimal(n);
  return plain.includes('.') ? plain : plain + '.0';
}

/** The shortest decimal that reads back as n, written out without an exponent. */
function plainDecimal(n: number): string {
  const s = Object.is(n, -0) ? '-0' : String(n);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (m === null) return s;
  const [, sign, lead, frac = '', expText] = m;
  const digits = lead! + frac;
  const point = 1 + Number(expText); // position of the decimal point within digits
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

function formatDate(d: Date): string {
  const t = d.getTime();
  if (Number.isNaN(t) || t % 1000 !== 0) throw new TypeError('a config date must be a valid time in whole seconds');
  const year = d.getUTCFullYear();
  if (year < 0 || year > 9999) throw new TypeError('a config date must have a four-digit year');
  const two = (v: number) => String(v).padStart(2, '0');
  return (
    `${String(year).padStart(4, '0')}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}` +
    `T${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}Z`
  );
}
