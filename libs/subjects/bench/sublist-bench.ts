/**
 * Sublist micro benchmark.
 *   node --conditions=@switchboard/source --import tsx libs/subjects/bench/sublist-bench.ts
 * Subscription mix per size: 70% literal (`svc.<a>.<b>.<c>`), 20% with one `*`, 10% ending in `>`,
 * 10% of them queue subscriptions. Figures are operations per second on one core.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { Sublist, type SubscriptionLike } from '../src/index.js';

class Sub implements SubscriptionLike {
  constructor(
    readonly subject: string,
    readonly queue: string,
  ) {}
}

// mulberry32: deterministic and well spread in the low bits.
let seed = 42;
function rnd(n: number): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) % n;
}

function makeSubs(n: number): Sub[] {
  const out: Sub[] = [];
  const fanA = Math.ceil(Math.sqrt(n / 10));
  for (let i = 0; i < n; i++) {
    const a = rnd(fanA);
    const b = rnd(fanA);
    const c = rnd(10);
    const kind = rnd(10);
    const subject = kind < 7 ? `svc.${a}.${b}.${c}` : kind < 9 ? `svc.${a}.*.${c}` : `svc.${a}.>`;
    out.push(new Sub(subject, rnd(10) === 0 ? `q${rnd(3)}` : ''));
  }
  return out;
}

function publishSubjects(n: number, count: number): string[] {
  const fanA = Math.ceil(Math.sqrt(n / 10));
  return Array.from({ length: count }, () => `svc.${rnd(fanA)}.${rnd(fanA)}.${rnd(10)}`);
}

/**
 * Runs fn (which performs `ops` operations) in 5 rounds of at least `ms` each and returns
 * the best round's ops/s: the machine is shared, so the best round is the least disturbed.
 */
function rate(ops: number, fn: () => void, ms = 200): number {
  fn(); // warm up
  let best = 0;
  for (let round = 0; round < 5; round++) {
    let n = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0n;
    const limit = BigInt(ms) * 1_000_000n;
    while (elapsed < limit) {
      fn();
      n += ops;
      elapsed = process.hrtime.bigint() - start;
    }
    best = Math.max(best, (n * 1e9) / Number(elapsed));
  }
  return best;
}

const fmt = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${(x / 1e3).toFixed(0)}k`);
let sink = 0; // kept a small integer so that the sum itself never allocates

// Allocation check for the hot path: count garbage collections during 10M cached matches
// (a loop that allocated even a few bytes per match would trigger young-generation GCs).
{
  const sl = new Sublist<Sub>();
  for (const s of makeSubs(10_000)) sl.insert(s);
  const hot = publishSubjects(10_000, 500);
  for (let round = 0; round < 100; round++) for (const s of hot) sl.match(s); // fill and warm up
  let gcs = 0;
  const obs = new PerformanceObserver((list) => {
    gcs += list.getEntries().length;
  });
  obs.observe({ entryTypes: ['gc'] });
  let acc = 0; // stays a small integer: a growing float sum would itself allocate
  for (let round = 0; round < 20_000; round++) {
    for (let i = 0; i < hot.length; i++) acc = (acc + sl.match(hot[i]!).psubs.length) & 0xffff;
  }
  sink += acc;
  await new Promise((r) => setTimeout(r, 50));
  obs.disconnect();
  console.log(`garbage collections during 10M cached matches: ${gcs}`);
}

for (const size of [10_000, 100_000]) {
  const subs = makeSubs(size);
  const sl = new Sublist<Sub>();

  // Fill and empty the index (no cache entries, so no cache upkeep).
  const fillRate = rate(
    size,
    () => {
      for (const s of subs) sl.insert(s);
      for (const s of subs) sl.remove(s);
    },
    100,
  );
  for (const s of subs) sl.insert(s);

  const hot = publishSubjects(size, 500);
  const hotRate = rate(hot.length, () => {
    for (let i = 0; i < hot.length; i++) sink = (sink + sl.match(hot[i]!).psubs.length) & 0xffff;
  });

  // More distinct subjects than the cache holds: most matches walk the trie.
  const cold = publishSubjects(size, 20_000);
  const coldRate = rate(cold.length, () => {
    for (let i = 0; i < cold.length; i++) sink = (sink + sl.match(cold[i]!).psubs.length) & 0xffff;
  });

  // Request/reply: every reply goes to a new inbox subject (never a cache hit), with one
  // `_INBOX.<id>.*` subscription per requester among the index's subscriptions.
  const inboxes = Array.from({ length: 100 }, (_, i) => new Sub(`_INBOX.req${i}.*`, ''));
  for (const s of inboxes) sl.insert(s);
  let reply = 0;
  const replies = Array.from({ length: 10_000 }, (_, i) => `_INBOX.req${i % 100}.${i}`);
  const inboxRate = rate(replies.length, () => {
    for (let i = 0; i < replies.length; i++) sink = (sink + sl.match(replies[i]! + (reply++ & 7)).psubs.length) & 0xffff;
  });
  for (const s of inboxes) sl.remove(s);

  const interest = rate(cold.length, () => {
    for (let i = 0; i < cold.length; i++) if (sl.hasInterest(cold[i]!)) sink = (sink + 1) & 0xffff;
  });

  // Subscription churn while publishing: per round 1,000 inserts and 1,000 removes of the
  // same mix, each followed by publishing to the 500 hot subjects again (refilling what the
  // change invalidated). Counted: subscription changes per second, publishes included.
  const churn = makeSubs(1000);
  const republish = () => {
    for (let i = 0; i < hot.length; i++) sink = (sink + sl.match(hot[i]!).psubs.length) & 0xffff;
  };
  const churnRate = rate(churn.length * 2, () => {
    for (const s of churn) sl.insert(s);
    republish();
    for (const s of churn) sl.remove(s);
    republish();
  });
  const batchRate = rate(churn.length * 2, () => {
    for (const s of churn) sl.insert(s);
    republish();
    sl.removeBatch(churn);
    republish();
  });

  for (const s of hot) sl.match(s);
  const st = sl.stats();
  const distinct = new Set(cold).size;
  console.log(
    `${size / 1000}k subs: match hot cache ${fmt(hotRate)}/s, match cache-miss ${fmt(coldRate)}/s, ` +
      `unique inbox replies ${fmt(inboxRate)}/s, hasInterest ${fmt(interest)}/s, insert+remove ${fmt(fillRate)} pairs/s with empty cache, ` +
      `` +
      `churn while publishing ${fmt(churnRate)} changes/s (removeBatch ${fmt(batchRate)}/s); ` +
      `${distinct} distinct cache-miss subjects, avg fanout ${st.avg_fanout.toFixed(1)}`,
  );
}
if (sink === -1) console.log(sink);
