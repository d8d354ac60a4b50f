import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isSubsetMatch,
  isValidPublishSubject,
  isValidSubject,
  subjectMatches,
  subjectsCollide,
  Sublist,
  type SublistResult,
  type SubscriptionLike,
} from '../src/index.js';

// Reference implementations written from the rules, on token arrays, sharing no code with src.

function refMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (f[i] !== '*' && f[i] !== s[i]) return false;
  }
  return f.length === s.length;
}

function refValid(s: string): boolean {
  if (s === '' || /[ \t\r\n\f]/.test(s)) return false;
  const t = s.split('.');
  return t.every((x, i) => x !== '' && (x !== '>' || i === t.length - 1));
}

const refLiteral = (s: string) => s.split('.').every((x) => x !== '*' && x !== '>');

// Small alphabets so that filters and subjects collide often. `x*` is a literal token.
const litToken = fc.constantFrom('a', 'b', 'c', 'x*');
const filterToken = fc.constantFrom('a', 'b', 'c', 'x*', '*');
const literal = fc.array(litToken, { minLength: 1, maxLength: 5 }).map((t) => t.join('.'));
const filter = fc.tuple(fc.array(filterToken, { minLength: 1, maxLength: 4 }), fc.boolean()).map(([t, fwc]) => (fwc ? [...t.slice(0, -1), '>'] : t).join('.'));

let nextId = 0;
class Sub implements SubscriptionLike {
  readonly id = nextId++;
  constructor(
    readonly subject: string,
    readonly queue: string,
  ) {}
}

/** A result in a comparable form: sorted plain ids, and sorted ids per queue name. */
function normalize(r: SublistResult<Sub>): { p: number[]; q: Record<string, number[]> } {
  const q: Record<string, number[]> = {};
  for (const g of r.qsubs) {
    expect(g.length).toBeGreaterThan(0);
    const name = g[0]!.queue;
    expect(q[name]).toBeUndefined(); // one array per group
    expect(g.every((s) => s.queue === name)).toBe(true);
    q[name] = g.map((s) => s.id).sort((a, b) => a - b);
  }
  return { p: r.psubs.map((s) => s.id).sort((a, b) => a - b), q };
}

function bruteForce(subs: Iterable<Sub>, subject: string): { p: number[]; q: Record<string, number[]> } {
  const p: number[] = [];
  const q: Record<string, number[]> = {};
  for (const s of subs) {
    if (!refMatches(s.subject, subject)) continue;
    if (s.queue === '') p.push(s.id);
    else (q[s.queue] ??= []).push(s.id);
  }
  p.sort((a, b) => a - b);
  for (const k of Object.keys(q)) q[k]!.sort((a, b) => a - b);
  return { p, q };
}

type Cmd =
  | { op: 'insert'; subject: string; queue: string }
  | { op: 'remove'; pick: number }
  | { op: 'removeForeign'; subject: string }
  | { op: 'removeBatch'; picks: number[] }
  | { op: 'removeAll' }
  | { op: 'match'; subject: string };

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('insert' as const), subject: filter, queue: fc.constantFrom('', '', 'q1', 'q2') }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('remove' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('removeForeign' as const), subject: filter }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('removeBatch' as const), picks: fc.array(fc.nat(), { maxLength: 30 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('match' as const), subject: literal }) },
  // A closing connection: large batches take the clear-the-cache path.
  { weight: 1, arbitrary: fc.record({ op: fc.constant('removeAll' as const) }) },
);

describe('Sublist against a brute-force matcher', () => {
  it('match equals brute force after any interleaving of inserts, removes and matches', () => {
    fc.assert(
      fc.property(fc.array(cmd, { maxLength: 60, size: 'max' }), fc.array(literal, { minLength: 1, maxLength: 12 }), fc.boolean(), (cmds, probes, cache) => {
        const sl = new Sublist<Sub>({ cache });
        const live = new Set<Sub>();
        const check = (subject: string) => {
          const want = bruteForce(live, subject);
          expect(sl.hasInterest(subject)).toBe(want.p.length + Object.keys(want.q).length > 0);
          expect(normalize(sl.match(subject))).toEqual(want);
        };
        for (const c of cmds) {
          const arr = [...live];
          switch (c.op) {
            case 'insert': {
              const s = new Sub(c.subject, c.queue);
              sl.insert(s);
              live.add(s);
              break;
            }
            case 'remove': {
              const s = arr[c.pick % Math.max(arr.length, 1)];
              expect(sl.remove(s ?? new Sub('a', ''))).toBe(s !== undefined);
              if (s) live.delete(s);
              break;
            }
            case 'removeForeign':
              expect(sl.remove(new Sub(c.subject, ''))).toBe(false);
              break;
            case 'removeBatch': {
              const picked = new Set(c.picks.filter(() => arr.length > 0).map((i) => arr[i % arr.length]!));
              expect(sl.removeBatch(picked)).toBe(picked.size);
              for (const s of picked) live.delete(s);
              break;
            }
            case 'match':
              check(c.subject);
              break;
            case 'removeAll':
              expect(sl.removeBatch(arr)).toBe(arr.length);
              live.clear();
              break;
          }
          // Probes are matched after every step, so their cache entries live through changes.
          for (const p of probes) check(p);
          expect(sl.count()).toBe(live.size);
        }
        expect(new Set(sl.all())).toEqual(live);
        if (!cache) expect(sl.stats().num_cache).toBe(0);
      }),
      { numRuns: 120 },
    );
  });
});

describe('Sublist.removeBatch', () => {
  it('leaves match equal to brute force for batches of any size', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(filter, fc.constantFrom('', 'q1'), fc.boolean()), { maxLength: 40, size: 'max' }),
        fc.array(literal, { minLength: 1, maxLength: 12 }),
        (specs, probes) => {
          const sl = new Sublist<Sub>();
          const subs = specs.map(([f, q, drop]) => ({ sub: new Sub(f, q), drop }));
          for (const { sub } of subs) sl.insert(sub);
          for (const p of probes) sl.match(p); // warm the cache
          const dropped = subs.filter((x) => x.drop).map((x) => x.sub);
          expect(sl.removeBatch(dropped)).toBe(dropped.length);
          const live = subs.filter((x) => !x.drop).map((x) => x.sub);
          for (const p of probes) expect(normalize(sl.match(p))).toEqual(bruteForce(live, p));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('arbitrary input', () => {
  // Any UTF-16 code units, lone surrogates included (cheaper than fc.string's binary unit).
  const anyUtf16 = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }).map((codes) => String.fromCharCode(...codes));
  it('never makes match, hasInterest or the subject functions throw', () => {
    const sl = new Sublist<Sub>();
    for (const f of ['>', 'a.*', '*.*.>', 'a.b']) sl.insert(new Sub(f, ''));
    fc.assert(
      fc.property(anyUtf16, fc.string({ maxLength: 10 }), (s, t) => {
        const r = sl.match(s);
        expect(sl.hasInterest(s)).toBe(r.psubs.length + r.qsubs.length > 0);
        isValidSubject(s);
        isValidPublishSubject(s);
        subjectMatches(s, t);
        subjectMatches(t, s);
        isSubsetMatch(s, t);
        isSubsetMatch(t, s);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('subject functions against reference implementations', () => {
  const anyChars = fc.array(fc.constantFrom('a', 'b', '.', '*', '>', ' ', '\t', '\n', 'é'), { maxLength: 10 }).map((c) => c.join(''));

  it('isValidSubject and isValidPublishSubject', () => {
    fc.assert(
      fc.property(fc.oneof(anyChars, filter, literal), (s) => {
        expect(isValidSubject(s)).toBe(refValid(s));
        expect(isValidPublishSubject(s)).toBe(refValid(s) && refLiteral(s));
      }),
      { numRuns: 3000 },
    );
  });

  it('subjectMatches', () => {
    fc.assert(
      fc.property(filter, literal, (f, s) => {
        expect(subjectMatches(f, s)).toBe(refMatches(f, s));
      }),
      { numRuns: 3000 },
    );
  });

  it('isSubsetMatch and subjectsCollide agree with the subjects the filters match', () => {
    // Tokens a, b and the wildcards; `z` stands for every other token. Subjects one token
    // longer than the longest filter are enough to tell `>` apart from fixed lengths.
    const tok = fc.constantFrom('a', 'b', '*');
    const f = fc.tuple(fc.array(tok, { minLength: 1, maxLength: 3 }), fc.boolean()).map(([t, fwc]) => (fwc ? [...t.slice(0, -1), '>'] : t).join('.'));
    const universe: string[] = [];
    const grow = (prefix: string[]) => {
      if (prefix.length > 0) universe.push(prefix.join('.'));
      if (prefix.length < 4) for (const t of ['a', 'b', 'z']) grow([...prefix, t]);
    };
    grow([]);
    fc.assert(
      fc.property(f, f, (a, b) => {
        const subset = universe.every((s) => !refMatches(a, s) || refMatches(b, s));
        expect(isSubsetMatch(a, b)).toBe(subset);
        const overlap = universe.some((s) => refMatches(a, s) && refMatches(b, s));
        expect(subjectsCollide(a, b)).toBe(overlap);
      }),
      { numRuns: 2000 },
    );
  });
});
