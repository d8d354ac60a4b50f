import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from './errors.js';
import { Item, Lexer, isDigit, type Token } from './lexer.js';

export interface ParseOptions {
  /** Name used in errors and as the base for relative `include`s (default: the working directory). */
  filename?: string;
  /** Where `$VAR` looks after the enclosing maps (default: process.env). */
  env?: Record<string, string | undefined>;
}

export type ConfigMap = Record<string, unknown>;

/** Where a key was written. */
export interface ConfigPosition {
  file: string | undefined;
  line: number;
  column: number;
}

const positions = new WeakMap<object, Map<string, ConfigPosition>>();

/**
 * Where `key` of a map returned by parseConfig was written, so that whoever interprets
 * the options can report `file:line:column` as nats-server does.
 */
export function positionOf(map: object, key: string): ConfigPosition | undefined {
  return positions.get(map)?.get(key);
}

/**
 * Parses nats-server's configuration format, accepting and rejecting what
 * nats-server 2.9 does. Values: string, number (integers and floats alike), boolean,
 * Date, arrays and maps; keys keep their case. A value taken from a variable is the
 * same object as the variable's (no copy), as in nats-server.
 * Throws only ConfigError.
 */
export function parseConfig(text: string, opts: ParseOptions = {}): ConfigMap {
  const state: Shared = { env: opts.env ?? process.env, envRefs: new Set(), includes: [] };
  if (opts.filename !== undefined) state.includes.push(safeRealpath(opts.filename));
  return new Parser(text, opts.filename, state).run();
}

export function parseConfigFile(path: string, opts: Omit<ParseOptions, 'filename'> = {}): ConfigMap {
  const text = readConfigText(path);
  if (text instanceof Error) {
    throw new ConfigError(text.message, { file: path, line: 0, column: 0 });
  }
  return parseConfig(text, { ...opts, filename: path });
}

/** Shared by a file, its includes and the sub-parses of environment values. */
interface Shared {
  env: Record<string, string | undefined>;
  /** Environment variables being expanded, to stop `A=$A` recursing forever. */
  envRefs: Set<string>;
  /** Real paths of the files being parsed, to stop include cycles. */
  includes: string[];
}

type Context = { map: ConfigMap } | { array: unknown[] };

const ENV_KEY = 'pk';
/** Unquoted bcrypt hashes ($2a$...) read as variables; nats-server keeps them as text. */
const BCRYPT_PREFIX = '2a$';

const SIZE_SUFFIX: Record<string, bigint> = {
  '': 1n,
  k: 1000n,
  kb: 1024n,
  ki: 1024n,
  kib: 1024n,
  m: 1000n ** 2n,
  mb: 1024n ** 2n,
  mi: 1024n ** 2n,
  mib: 1024n ** 2n,
  g: 1000n ** 3n,
  gb: 1024n ** 3n,
  gi: 1024n ** 3n,
  gib: 1024n ** 3n,
  t: 1000n ** 4n,
  tb: 1024n ** 4n,
  ti: 1024n ** 4n,
  tib: 1024n ** 4n,
  p: 1000n ** 5n,
  pb: 1024n ** 5n,
  pi: 1024n ** 5n,
  pib: 1024n ** 5n,
  e: 1000n ** 6n,
  eb: 1024n ** 6n,
  ei: 1024n ** 6n,
  eib: 1024n ** 6n,
};

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

class Parser {
  private readonly lexer: Lexer;
  private readonly root: ConfigMap = {};
  private readonly ctxs: Context[] = [{ map: this.root }];
  private readonly keys: { name: string; at: ConfigPosition | undefined }[] = [];
  /** Offsets where each line starts, built on first use. */
  private lineStarts: number[] | undefined;

  constructor(
    private readonly text: string,
    private readonly file: string | undefined,
    private readonly shared: Shared,
  ) {
    this.lexer = new Lexer(text);
  }

  run(): ConfigMap {
    let prev: Token | undefined;
    for (;;) {
      const it = this.lexer.nextItem();
      if (it.type === Item.EOF) {
        // A key with nothing after it would be dropped silently; nats-server 2.10+
        // rejects it (2.9 ignored it). A stray '}' closing JSON-like input is fine.
        if (prev !== undefined && prev.type === Item.Key && prev.val !== '}') {
          const { line, column } = this.where(it.start);
          throw this.fail(it, `config is invalid (${this.file ?? ''}:${line}:${column})`);
        }
        return this.root;
      }
      prev = it;
      this.process(it);
    }
  }

  private process(it: Token): void {
    switch (it.type) {
      case Item.Error: {
        const line = this.goLine(it.end);
        // nats-server prints end of input as a raw NUL; show it readably here.
        throw this.fail(it, it.val.replaceAll('\0', '\\x00'), `Parse error on line ${line}: '${it.val}'`);
      }
      case Item.Key:
        this.keys.push({ name: it.val, at: { file: this.file, ...this.where(it.start) } });
        return;
      case Item.MapStart:
        this.ctxs.push({ map: {} });
        return;
      case Item.ArrayStart:
        this.ctxs.push({ array: [] });
        return;
      case Item.MapEnd:
      case Item.ArrayEnd: {
        const ctx = this.ctxs.pop();
        if (ctx === undefined || this.ctxs.length === 0) throw this.fail(it, 'BUG in parser, context stack empty');
        this.setValue('map' in ctx ? ctx.map : ctx.array, it);
        return;
      }
      case Item.String:
        this.setValue(it.val, it);
        return;
      case Item.Integer:
        this.setValue(this.integer(it), it);
        return;
      case Item.Float:
        this.setValue(this.float(it), it);
        return;
      case Item.Bool:
        this.setValue(/^(true|yes|on)$/i.test(it.val), it);
        return;
      case Item.Datetime:
        this.setValue(this.datetime(it), it);
        return;
      case Item.Variable:
        this.setValue(this.variable(it), it);
        return;
      case Item.Include:
        this.include(it);
        return;
    }
  }

  private setValue(value: unknown, it: Token): void {
    const ctx = this.ctxs[this.ctxs.length - 1]!;
    if ('array' in ctx) {
      ctx.array.push(value);
      return;
    }
    const key = this.keys.pop();
    if (key === undefined) throw this.fail(it, 'BUG in parser, keys stack empty');
    setKey(ctx.map, key.name, value);
    let known = positions.get(ctx.map);
    if (known === undefined) positions.set(ctx.map, (known = new Map()));
    if (key.at !== undefined) known.set(key.name, key.at);
    else known.delete(key.name);
  }

  private integer(it: Token): number {
    let digits = 0;
    for (const ch of it.val) {
      const r = ch.codePointAt(0)!;
      if (!isDigit(r) && r !== 0x2d) break;
      digits += ch.length;
    }
    const numStr = it.val.slice(0, digits);
    if (!/^-?[0-9]+$/.test(numStr)) throw this.fail(it, `expected integer, but got '${it.val}'`);
    const num = BigInt(numStr);
    if (num < INT64_MIN || num > INT64_MAX) throw this.fail(it, `integer '${it.val}' is out of the range`);
    const mult = SIZE_SUFFIX[it.val.slice(digits).trim().toLowerCase()];
    // nats-server 2.9 silently drops a number with an unknown suffix such as "1kbb".
    if (mult === undefined) throw this.fail(it, `integer '${it.val}' has an unknown size suffix`);
    // Go's int64 arithmetic wraps on overflow; so does this.
    return Number(BigInt.asIntN(64, num * mult));
  }

  private float(it: Token): number {
    const num = Number(it.val);
    if (Number.isNaN(num)) throw this.fail(it, `expected float, but got '${it.val}'`);
    if (!Number.isFinite(num)) throw this.fail(it, `float '${it.val}' is out of the range`);
    return num;
  }

  private datetime(it: Token): Date {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/.exec(it.val);
    const bad = () => this.fail(it, `expected Zulu formatted DateTime, but got '${it.val}'`);
    if (m === null) throw bad();
    const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
    const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate(); // leap year; Feb 29 fixed below
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth || (month === 2 && day === 29 && !leap)) throw bad();
    if (hour > 23 || minute > 59 || second > 59) throw bad();
    const d = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
    d.setUTCFullYear(year); // Date.UTC maps years 0-99 to 1900-1999
    return d;
  }

  private variable(it: Token): unknown {
    const name = it.val;
    const line = this.goLine(it.end);
    if (name.startsWith(BCRYPT_PREFIX)) return '$' + name;
    for (let i = this.ctxs.length - 1; i >= 0; i--) {
      const ctx = this.ctxs[i]!;
      if ('map' in ctx && Object.hasOwn(ctx.map, name)) return ctx.map[name];
    }
    const fromEnv = Object.hasOwn(this.shared.env, name) ? this.shared.env[name] : undefined;
    if (fromEnv !== undefined) {
      if (this.shared.envRefs.has(name)) {
        throw this.fail(it, `variable reference for '${name}' on line ${line} could not be parsed: variable reference cycle for '${name}'`);
      }
      // An environment value is read as a value of the format: numbers, booleans, maps...
      this.shared.envRefs.add(name);
      let parsed: ConfigMap;
      try {
        parsed = new Parser(`${ENV_KEY}=${fromEnv}`, undefined, { ...this.shared, includes: [] }).run();
      } catch (e) {
        const inner = e as ConfigError;
        throw this.fail(it, `variable reference for '${name}' on line ${line} could not be parsed: ${inner.reason}`, undefined, inner);
      } finally {
        this.shared.envRefs.delete(name);
      }
      if (Object.hasOwn(parsed, ENV_KEY)) return parsed[ENV_KEY];
    }
    throw this.fail({ ...it, start: it.start - 1 }, `variable reference for '${name}' on line ${line} can not be found`);
  }

  private include(it: Token): void {
    // Like Go's filepath.Join: cleaned, no trailing slash, and an absolute name stays relative.
    const path = join(dirname(this.file ?? ''), it.val).replace(/(?<=.)\/+$/, '');
    const failInclude = (detail: string, reason: string, cause?: unknown): ConfigError =>
      this.fail(it, `error parsing include file '${it.val}', ${detail}`, `error parsing include file '${it.val}', ${reason}`, cause);
    const text = readConfigText(path);
    if (text instanceof Error) throw failInclude(text.message, text.message);
    const real = safeRealpath(path);
    if (this.shared.includes.includes(real)) throw failInclude('include cycle', 'include cycle');
    this.shared.includes.push(real);
    let included: ConfigMap;
    try {
      included = new Parser(text, path, this.shared).run();
    } catch (e) {
      const inner = e as ConfigError;
      throw failInclude(inner.message, inner.reason, inner);
    } finally {
      this.shared.includes.pop();
    }
    for (const [k, v] of Object.entries(included)) {
      this.keys.push({ name: k, at: positionOf(included, k) });
      this.setValue(v, it);
    }
  }

  /** nats-server's line number: one plus the newlines before the lexer's position. */
  private goLine(offset: number): number {
    if (this.lineStarts === undefined) {
      this.lineStarts = [0];
      for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
    }
    // The last line start at or before offset, by binary search.
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  private where(offset: number): { line: number; column: number } {
    const line = this.goLine(offset);
    return { line, column: Math.max(1, offset - this.lineStarts![line - 1]! + 1) };
  }

  private fail(it: Token, detail: string, reason?: string, cause?: unknown): ConfigError {
    return new ConfigError(detail, { file: this.file, ...this.where(it.start), reason, cause });
  }
}

/** Assigns without tripping over keys such as `__proto__`. */
function setKey(map: ConfigMap, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(map, key, { value, writable: true, enumerable: true, configurable: true });
  else map[key] = value;
}

/** File text, or an Error worded like Go's os errors ("open x: no such file or directory"). */
function readConfigText(path: string): string | Error {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return new Error(`open ${path}: no such file or directory`);
    if (code === 'EISDIR') return new Error(`read ${path}: is a directory`);
    if (code === 'EACCES') return new Error(`open ${path}: permission denied`);
    return new Error(`open ${path}: ${(e as Error).message}`);
  }
}

function safeRealpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}
