import { describe, expect, it } from 'vitest';
import { Sublist, type SubscriptionLike } from '../src/index.js';

class Sub implements SubscriptionLike {
  constructor(
    readonly subject: string,
    readonly queue = '',
    readonly id = `${subject}|${queue}`,
  ) {}
}

const ids = (subs: readonly Sub[]) => subs.map((s) => s.id).sort();

describe('Sublist', () => {
  it('matches literal and wildcard subscriptions', () => {
    const sl = new Sublist<Sub>();
    const subs = ['foo.bar', 'foo.*', 'foo.>', '*.bar', '>', 'foo', 'foo.bar.baz', '*.*.baz'].map((s) => new Sub(s));
    subs.forEach((s) => sl.insert(s));
    expect(ids(sl.match('foo.bar').psubs)).toEqual(['*.bar|', '>|', 'foo.*|', 'foo.>|', 'foo.bar|']);
    expect(ids(sl.match('foo').psubs)).toEqual(['>|', 'foo|']);
    expect(ids(sl.match('foo.bar.baz').psubs)).toEqual(['*.*.baz|', '>|', 'foo.>|', 'foo.bar.baz|']);
    expect(ids(sl.match('x.y').psubs)).toEqual(['>|']);
    expect(sl.count()).toBe(8);
  });

  it('groups queue subscribers per queue name across nodes', () => {
    const sl = new Sublist<Sub>();
    const a1 = new Sub('foo.bar', 'a', 'a1');
    const a2 = new Sub('foo.*', 'a', 'a2');
    const b1 = new Sub('foo.>', 'b', 'b1');
    const p = new Sub('foo.bar');
    [a1, a2, b1, p].forEach((s) => sl.insert(s));
    const r = sl.match('foo.bar');
    expect(ids(r.psubs)).toEqual(['foo.bar|']);
    const groups = r.qsubs.map((g) => ids(g)).sort((x, y) => x[0]!.localeCompare(y[0]!));
    expect(groups).toEqual([['a1', 'a2'], ['b1']]);
  });

  it('returns empty results for no interest and for malformed subjects', () => {
    const sl = new Sublist<Sub>();
    sl.insert(new Sub('>'));
    for (const s of ['', 'foo..bar', '.foo', 'foo.']) {
      const r = sl.match(s);
      expect(r.psubs.length + r.qsubs.length).toBe(0);
      expect(sl.hasInterest(s)).toBe(false);
    }
    expect(new Sublist<Sub>().match('foo').psubs).toEqual([]);
  });

  it('serves repeated matches from the cache with the same result object', () => {
    const sl = new Sublist<Sub>();
    sl.insert(new Sub('foo.*'));
    const r1 = sl.match('foo.bar');
    const r2 = sl.match('foo.bar');
    expect(r2).toBe(r1);
    const st = sl.stats();
    expect(st.num_matches).toBe(2);
    expect(st.cache_hit_rate).toBe(0.5);
    expect(st.num_cache).toBe(1);
  });

  it('keeps cached results correct across inserts and removes, without mutating handed-out results', () => {
    const sl = new Sublist<Sub>();
    const lit = new Sub('foo.bar');
    sl.insert(lit);
    const before = sl.match('foo.bar');
    const other = sl.match('x.y');
    const wc = new Sub('foo.*');
    sl.insert(wc);
    expect(ids(before.psubs)).toEqual(['foo.bar|']); // unchanged snapshot
    expect(ids(sl.match('foo.bar').psubs)).toEqual(['foo.*|', 'foo.bar|']);
    expect(sl.match('x.y')).toBe(other); // unaffected entry kept
    const q = new Sub('foo.bar', 'g', 'q1');
    sl.insert(q);
    expect(sl.match('foo.bar').qsubs.map(ids)).toEqual([['q1']]);
    expect(sl.remove(wc)).toBe(true);
    expect(ids(sl.match('foo.bar').psubs)).toEqual(['foo.bar|']);
    expect(sl.remove(lit)).toBe(true);
    expect(sl.match('foo.bar').psubs).toEqual([]);
    expect(sl.remove(q)).toBe(true);
    expect(sl.hasInterest('foo.bar')).toBe(false);
  });

  it('removes by identity and reports unknown subscriptions', () => {
    const sl = new Sublist<Sub>();
    const a = new Sub('foo', '', 'a');
    const twin = new Sub('foo', '', 'twin');
    sl.insert(a);
    expect(sl.remove(twin)).toBe(false);
    expect(sl.remove(new Sub('foo.bar'))).toBe(false);
    expect(sl.remove(new Sub('foo', 'q'))).toBe(false);
    expect(sl.remove(a)).toBe(true);
    expect(sl.remove(a)).toBe(false);
    expect(sl.stats().num_removes).toBe(1);
  });

  it('ignores a second insert of the same object', () => {
    const sl = new Sublist<Sub>();
    const a = new Sub('foo.*');
    const q = new Sub('foo.*', 'g');
    sl.insert(a);
    sl.insert(a);
    sl.insert(q);
    sl.insert(q);
    expect(sl.count()).toBe(2);
    expect(sl.match('foo.x').psubs).toHaveLength(1);
    expect(sl.match('foo.x').qsubs[0]).toHaveLength(1);
  });

  it('prunes empty nodes on remove', () => {
    const sl = new Sublist<Sub>();
    const deep = new Sub('a.b.c.d.e');
    const mid = new Sub('a.b');
    const wc = new Sub('a.*.>');
    [deep, mid, wc].forEach((s) => sl.insert(s));
    const root = (sl as unknown as { root: { nodes: Map<string, unknown>; isEmpty(): boolean } }).root;
    sl.remove(deep);
    expect(ids(sl.all())).toEqual(['a.*.>|', 'a.b|']);
    sl.remove(mid);
    sl.remove(wc);
    expect(root.isEmpty()).toBe(true);
    expect(sl.all()).toEqual([]);
  });

  it('hasInterest agrees with match, including wildcards and queues', () => {
    const sl = new Sublist<Sub>();
    sl.insert(new Sub('foo.*.baz'));
    sl.insert(new Sub('bar.>', 'q'));
    expect(sl.hasInterest('foo.x.baz')).toBe(true);
    expect(sl.hasInterest('foo.x')).toBe(false);
    expect(sl.hasInterest('bar.a.b')).toBe(true);
    expect(sl.hasInterest('bar')).toBe(false);
    expect(sl.stats().num_matches).toBe(0);
  });

  it('bounds the cache and keeps it correct after sweeps', () => {
    const sl = new Sublist<Sub>();
    sl.insert(new Sub('s.*'));
    for (let i = 0; i < 2500; i++) {
      expect(sl.match(`s.${i}`).psubs).toHaveLength(1);
      expect(sl.stats().num_cache).toBeLessThanOrEqual(1024);
    }
    sl.insert(new Sub('s.>'));
    expect(sl.match('s.1').psubs).toHaveLength(2);
    expect(sl.match('s.2499').psubs).toHaveLength(2);
  });

  it('keeps subjects hit since the last sweep (second chance) and evicts one-off subjects', () => {
    const sl = new Sublist<Sub>();
    sl.insert(new Sub('>'));
    sl.match('hot');
    sl.match('hot'); // a hit marks it used
    sl.match('cold'); // never hit again
    for (let i = 0; i < 1100; i++) sl.match(`inbox.${i}`);
    const hitsBefore = sl.stats().cache_hit_rate * sl.stats().num_matches;
    sl.match('hot');
    expect(sl.stats().cache_hit_rate * sl.stats().num_matches).toBeCloseTo(hitsBefore + 1);
    sl.match('cold');
    expect(sl.stats().cache_hit_rate * sl.stats().num_matches).toBeCloseTo(hitsBefore + 1);
  });

  it('after the cache first overflows, caches a subject on its second miss only', () => {
    const sl = new Sublist<Sub>();
    sl.insert(new Sub('>'));
    for (let i = 0; i < 1025; i++) sl.match(`fill.${i}`); // the 1025th sweeps
    const cached = sl.stats().num_cache;
    for (let i = 0; i < 300; i++) sl.match(`_INBOX.abc.${i}`);
    expect(sl.stats().num_cache).toBe(cached); // one-off subjects stay out
    const r1 = sl.match('again');
    expect(sl.match('again')).not.toBe(r1); // second miss: now admitted
    expect(sl.stats().num_cache).toBe(cached + 1);
    const hits = sl.stats().cache_hit_rate * sl.stats().num_matches;
    expect(ids(sl.match('again').psubs)).toEqual(['>|']);
    expect(sl.stats().cache_hit_rate * sl.stats().num_matches).toBeCloseTo(hits + 1);
  });

  it('serves a cycle of request subjects from the cache while every reply inbox is new', () => {
    // A KV get client: 1000 keys in turn, each request answered on a fresh inbox.
    const sl = new Sublist<Sub>();
    sl.insert(new Sub('$JS.API.DIRECT.GET.KV_B.>', '_sys_'));
    sl.insert(new Sub('_INBOX.>'));
    let inbox = 0;
    const cycle = (): number => {
      const before = sl.stats().cache_hit_rate * sl.stats().num_matches;
      for (let k = 0; k < 1000; k++) {
        expect(sl.match(`$JS.API.DIRECT.GET.KV_B.$KV.B.k${k}`).qsubs).toHaveLength(1);
        expect(sl.match(`_INBOX.abc.${inbox++}`).psubs).toHaveLength(1);
      }
      return Math.round(sl.stats().cache_hit_rate * sl.stats().num_matches - before);
    };
    for (let c = 0; c < 5; c++) cycle();
    expect(cycle()).toBeGreaterThan(900);
    expect(sl.stats().num_cache).toBeLessThanOrEqual(1024);
  });

  it('reports fanout like nats-server (plain subs plus queue groups per cached result)', () => {
    const sl = new Sublist<Sub>();
    sl.insert(new Sub('a'));
    sl.insert(new Sub('a', 'g', 'g1'));
    sl.insert(new Sub('a', 'g', 'g2'));
    sl.insert(new Sub('>'));
    sl.match('a'); // 2 psubs + 1 group = 3
    sl.match('b'); // 1
    const st = sl.stats();
    expect(st).toEqual({
      num_subscriptions: 4,
      num_cache: 2,
      num_inserts: 4,
      num_removes: 0,
      num_matches: 2,
      cache_hit_rate: 0,
      max_fanout: 3,
      avg_fanout: 2,
    });
  });

  it('removeBatch removes many and keeps results correct for small and large batches', () => {
    for (const n of [3, 50]) {
      const sl = new Sublist<Sub>();
      const keep = new Sub('x.>');
      sl.insert(keep);
      const gone = Array.from({ length: n }, (_, i) => new Sub(i % 2 ? `x.${i}` : `x.*`, '', `g${i}`));
      gone.forEach((s) => sl.insert(s));
      for (let i = 0; i < n; i++) sl.match(`x.${i}`);
      expect(sl.removeBatch([...gone, new Sub('nope')])).toBe(n);
      for (let i = 0; i < n; i++) expect(ids(sl.match(`x.${i}`).psubs)).toEqual(['x.>|']);
      expect(sl.count()).toBe(1);
    }
  });
});
