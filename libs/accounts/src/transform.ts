/**
 * Subject transforms for imports (nats-server's `transform`, the part imports use): the
 * destination refers to the source's `*` tokens as `$N` or `{{wildcard(N)}}`, and a trailing
 * `>` carries the rest of the subject over. Built once per import; `apply` runs per message.
 */
export class Transform {
  private readonly src: string[];
  private readonly dest: string[];
  /** Per destination token: index of the source token it copies, or -1 for a literal. */
  private readonly refs: number[];
  private readonly literal: boolean;
  private readonly fwc: boolean;

  /** Throws a TransformError when `dest` cannot be built from `src`. */
  constructor(src: string, dest: string) {
    this.src = src.split('.');
    this.dest = dest.split('.');
    const srcFwc = this.src[this.src.length - 1] === '>';
    this.fwc = this.dest[this.dest.length - 1] === '>';
    if (this.dest.includes('*') || srcFwc !== this.fwc || this.src.slice(0, -1).includes('>') || this.dest.slice(0, -1).includes('>')) {
      throw new TransformError('invalid subject');
    }
    // Source positions of the `*` tokens, 1-based as in `$1`.
    const stars: number[] = [];
    this.src.forEach((t, i) => {
      if (t === '*') stars.push(i);
    });
    this.literal = stars.length === 0 && !srcFwc;
    let used = 0;
    this.refs = this.dest.map((t) => {
      const n = placeholder(t);
      if (n < 0) return -1;
      if (n === 0 || n > stars.length) throw new TransformError(`invalid mapping destination: wildcard index out of range: ${t}: [${n}]`);
      used++;
      return stars[n - 1]!;
    });
    if (used < stars.length) throw new TransformError(`invalid mapping destination: not using all of the token wildcard(s): ${dest}`);
  }

  /** The destination for a literal `subject` matched by the source filter. */
  apply(subject: string): string {
    if (this.literal) return this.dest.join('.');
    const tokens = subject.split('.');
    const out: string[] = [];
    const last = this.dest.length - 1;
    for (let i = 0; i <= last; i++) {
      if (i === last && this.fwc) break;
      const r = this.refs[i]!;
      out.push(r < 0 ? this.dest[i]! : (tokens[r] ?? ''));
    }
    if (this.fwc) for (let i = this.src.length - 1; i < tokens.length; i++) out.push(tokens[i]!);
    return out.join('.');
  }

  /** The transform the other way, as nats-server reverses one (for shadow subscriptions). */
  reverse(): Transform {
    if (this.literal) return new Transform(this.dest.join('.'), this.src.join('.'));
    const marks = this.dest.filter((t) => placeholder(t) >= 0);
    let k = 0;
    const ndest = this.src.map((t) => (t === '*' ? (marks[k++] ?? t) : t));
    return new Transform(untokenizeWildcards(this.dest.join('.')), ndest.join('.'));
  }
}

export class TransformError extends Error {}

/** `*` tokens written as `$1`, `$2`… in order (nats-server's transformTokenize). */
export function tokenizeWildcards(subject: string): string {
  let n = 0;
  return subject
    .split('.')
    .map((t) => (t === '*' ? `$${++n}` : t))
    .join('.');
}

/** `$N` and `{{wildcard(N)}}` placeholders back to `*` (nats-server's transformUntokenize). */
export function untokenizeWildcards(subject: string): string {
  return subject
    .split('.')
    .map((t) => (placeholder(t) >= 0 ? '*' : t))
    .join('.');
}

/** N for `$N` / `{{wildcard(N)}}`, else -1. */
function placeholder(token: string): number {
  let m = /^\$(\d+)$/.exec(token);
  if (!m) m = /^\{\{\s*wildcard\s*\(\s*(\d+)\s*\)\s*\}\}$/i.exec(token);
  return m ? Number(m[1]) : -1;
}
