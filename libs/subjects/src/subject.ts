/**
 * Subject validation and matching, with nats-server's semantics (server/sublist.go):
 * tokens are separated by '.', no token may be empty, `*` and `>` are wildcards only when
 * they are a whole token (`foo.b*r` is a literal subject), `>` only as the last token,
 * and no whitespace anywhere. The checks walk the string by char code (no split, no
 * allocation: safe on the hot path) and never throw.
 */

const DOT = 0x2e; // .
const STAR = 0x2a; // *
const GT = 0x3e; // >

/** Whitespace that nats-server rejects inside subjects (and that splits protocol args). */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c;
}

/** A valid subscription filter: may contain `*` tokens and a final `>` token. */
export function isValidSubject(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  let start = 0; // index where the current token starts
  let sawFwc = false;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : DOT;
    if (c === DOT) {
      const len = i - start;
      if (len === 0 || sawFwc) return false;
      if (len === 1 && s.charCodeAt(start) === GT) sawFwc = true;
      start = i + 1;
    } else if (isSpace(c)) {
      return false;
    }
  }
  return true;
}

/** True when no token is a wildcard. Does not check validity (nats-server's subjectIsLiteral). */
export function subjectIsLiteral(s: string): boolean {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if ((c === STAR || c === GT) && (i === 0 || s.charCodeAt(i - 1) === DOT) && (i + 1 === n || s.charCodeAt(i + 1) === DOT)) {
      return false;
    }
  }
  return true;
}

/** A subject a message may be published to: valid and without wildcard tokens. */
export function isValidPublishSubject(s: string): boolean {
  return isValidSubject(s) && subjectIsLiteral(s);
}

/**
 * nats-server's name for the same check as isValidPublishSubject (its version skips the
 * whitespace test only because protocol arguments can never hold whitespace).
 */
export const isValidLiteralSubject: (s: string) => boolean = isValidPublishSubject;

/**
 * A queue group name: nats-server 2.9 takes any non-empty protocol argument, so the only
 * rule is non-empty without whitespace (`q.*` is a valid, literal queue name).
 */
export function isValidQueueName(q: string): boolean {
  const n = q.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) if (isSpace(q.charCodeAt(i))) return false;
  return true;
}

/**
 * Does the literal subject `subject` match the filter `filter`? Both are assumed valid;
 * a wildcard character in `subject` is compared as a plain character.
 */
export function subjectMatches(filter: string, subject: string): boolean {
  const fl = filter.length;
  const sl = subject.length;
  if (fl === 0 || sl === 0) return false;
  let fi = 0;
  let si = 0;
  for (;;) {
    let fe = fi;
    while (fe < fl && filter.charCodeAt(fe) !== DOT) fe++;
    let se = si;
    while (se < sl && subject.charCodeAt(se) !== DOT) se++;
    if (fe - fi === 1 && filter.charCodeAt(fi) === GT) return true; // one or more tokens left
    if (!(fe - fi === 1 && filter.charCodeAt(fi) === STAR)) {
      if (fe - fi !== se - si || !sameRange(subject, si, filter, fi, fe - fi)) return false;
    }
    const fEnd = fe >= fl;
    const sEnd = se >= sl;
    if (fEnd || sEnd) return fEnd && sEnd;
    fi = fe + 1;
    si = se + 1;
  }
}

/**
 * Token `index` of `subject`, 1-based like nats-server's tokenAt; '' when out of range.
 * Allocates the substring, so keep it off the per-message path.
 */
export function tokenAt(subject: string, index: number): string {
  if (index < 1) return '';
  let ti = 1;
  let start = 0;
  const n = subject.length;
  for (let i = 0; i < n; i++) {
    if (subject.charCodeAt(i) === DOT) {
      if (ti === index) return subject.slice(start, i);
      start = i + 1;
      ti++;
    }
  }
  return ti === index ? subject.slice(start) : '';
}

/** Number of tokens in a subject (0 for ''). */
export function numTokens(subject: string): number {
  if (subject.length === 0) return 0;
  let n = 1;
  for (let i = 0; i < subject.length; i++) if (subject.charCodeAt(i) === DOT) n++;
  return n;
}

/**
 * Is every subject matched by `subject` also matched by `filter`? Both may contain
 * wildcards (`foo.*` is a subset of `foo.>`, `*.*` and `>`, but not of `foo.bar`).
 * Used for permissions and exports. Unlike nats-server's isSubsetMatch, a token such as
 * `*x` is compared literally here, as everywhere else.
 */
export function isSubsetMatch(subject: string, filter: string): boolean {
  const sl = subject.length;
  const fl = filter.length;
  if (sl === 0 || fl === 0) return false;
  let si = 0;
  let fi = 0;
  for (;;) {
    // Current token bounds.
    let se = si;
    while (se < sl && subject.charCodeAt(se) !== DOT) se++;
    let fe = fi;
    while (fe < fl && filter.charCodeAt(fe) !== DOT) fe++;
    const fTok = fe - fi === 1 ? filter.charCodeAt(fi) : 0;
    const sTok = se - si === 1 ? subject.charCodeAt(si) : 0;
    if (fTok === GT) return true; // the subject has at least this token left
    if (sTok === GT) return false; // subject takes any tail, filter does not
    if (fTok !== STAR) {
      if (sTok === STAR) return false; // any token vs one literal
      if (se - si !== fe - fi || !sameRange(subject, si, filter, fi, fe - fi)) return false;
    }
    const sEnd = se >= sl;
    const fEnd = fe >= fl;
    if (sEnd || fEnd) return sEnd && fEnd;
    si = se + 1;
    fi = fe + 1;
  }
}

/**
 * Could some literal subject match both filters? (nats-server's SubjectsCollide: overlapping
 * exports, imports and permissions.) Both are assumed valid.
 */
export function subjectsCollide(a: string, b: string): boolean {
  const al = a.length;
  const bl = b.length;
  if (al === 0 || bl === 0) return false;
  let ai = 0;
  let bi = 0;
  for (;;) {
    let ae = ai;
    while (ae < al && a.charCodeAt(ae) !== DOT) ae++;
    let be = bi;
    while (be < bl && b.charCodeAt(be) !== DOT) be++;
    const aTok = ae - ai === 1 ? a.charCodeAt(ai) : 0;
    const bTok = be - bi === 1 ? b.charCodeAt(bi) : 0;
    if (aTok === GT || bTok === GT) return true; // the other has at least this token left
    if (aTok !== STAR && bTok !== STAR) {
      if (ae - ai !== be - bi || !sameRange(a, ai, b, bi, ae - ai)) return false;
    }
    const aEnd = ae >= al;
    const bEnd = be >= bl;
    if (aEnd || bEnd) return aEnd && bEnd;
    ai = ae + 1;
    bi = be + 1;
  }
}

function sameRange(a: string, ai: number, b: string, bi: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (a.charCodeAt(ai + k) !== b.charCodeAt(bi + k)) return false;
  return true;
}
