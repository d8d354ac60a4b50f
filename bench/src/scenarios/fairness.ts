import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeAccount, encodeOperator, encodeUser } from '@nats-io/jwt';
import { createAccount, createOperator, createUser, type KeyPair } from '@nats-io/nkeys';
import { Conn, type Endpoint } from '../conn.js';
import { newCounters, PUBLISHED } from '../counters.js';
import type { Scenario, Values } from '../scenario.js';
import { RoleThread } from '../spawn.js';
import { percentile, sleep } from '../stats.js';

// Per-account fairness (operator mode, both servers from one config): tenant B does
// request/reply, one request at a time, while tenant A floods at full speed (one publisher,
// one subscriber of its own). B's p50/p99 are taken with A idle and flooding, then again after
// a live JWT update gives A a publish rate (`sb:rate_msgs` tag). nats-server accepts the tag
// and ignores it, so its "limited" numbers show what happens without a limit.

const SIZE = 128;
/** A's rate once limited: a small share of what the broker can route. */
export const FAIR_RATE_MSGS = 10_000;
const REQ_SUBJECT = 'fair.req';
const FLOOD_SUBJECT = 'fair.flood';
const UNLIMITED = { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };

interface Setup {
  operator: KeyPair;
  accountA: KeyPair;
  /** Bearer user JWTs: the generator's raw connections present them without signing a nonce. */
  a: string;
  b: string;
  sys: string;
}
let setup: Setup | null = null;

export function fairness(): Scenario {
  return {
    name: 'fairness',
    description: `B's request/reply latency while A floods (A limited live to ${FAIR_RATE_MSGS} msgs/s by an sb:rate_msgs JWT tag, which nats-server ignores)`,
    sized: false,
    byDefault: false,
    metrics: [
      { name: 'idle p50', unit: 'µs', higherIsBetter: false },
      { name: 'idle p99', unit: 'µs', higherIsBetter: false },
      { name: 'flood p50', unit: 'µs', higherIsBetter: false },
      { name: 'flood p99', unit: 'µs', higherIsBetter: false },
      { name: 'A flood', unit: 'msgs/s', higherIsBetter: true },
      { name: 'limited idle p50', unit: 'µs', higherIsBetter: false },
      { name: 'limited idle p99', unit: 'µs', higherIsBetter: false },
      { name: 'limited flood p50', unit: 'µs', higherIsBetter: false },
      { name: 'limited flood p99', unit: 'µs', higherIsBetter: false },
      { name: 'A limited', unit: 'msgs/s', higherIsBetter: false },
    ],
    async servers() {
      const dir = await mkdtemp(join(tmpdir(), 'sb-bench-fair-'));
      const operator = createOperator();
      const sys = createAccount();
      const accountA = createAccount();
      const accountB = createAccount();
      const bearer = (name: string, account: KeyPair) => encodeUser(name, createUser(), account, { bearer_token: true });
      const preload = [
        [sys, await encodeAccount('SYS', sys, { limits: UNLIMITED }, { signer: operator })],
        [accountA, await accountJwt(operator, accountA, [])],
        [accountB, await encodeAccount('B', accountB, { limits: UNLIMITED }, { signer: operator })],
      ] as const;
      const config = [
        `operator: ${await encodeOperator('OP', operator, { system_account: sys.getPublicKey() })}`,
        `system_account: ${sys.getPublicKey()}`,
        'resolver: MEMORY',
        'resolver_preload: {',
        ...preload.map(([kp, jwt]) => `  ${kp.getPublicKey()}: ${jwt}`),
        '}',
        '',
      ].join('\n');
      const file = join(dir, 'fairness.conf');
      await writeFile(file, config);
      setup = { operator, accountA, a: await bearer('a', accountA), b: await bearer('b', accountB), sys: await bearer('sys', sys) };
      return { args: ['-c', file], dispose: () => rm(dir, { recursive: true, force: true }) };
    },
    async run(ep, _size, ctx) {
      if (setup === null) throw new Error('fairness scenario: servers() was not called');
      const s = setup;
      const asA = { ...ep, auth: { jwt: s.a } };
      const asB = { ...ep, auth: { jwt: s.b } };
      const out: Values = {};
      const responder = new RoleThread({ role: 'responder', ep: asB, subject: REQ_SUBJECT });
      try {
        await responder.next('ready');
        // A round may follow another: start from A without a limit (skipped while A is unused: it is preloaded so).
        await updateAccount(ep, s.sys, s.accountA.getPublicKey(), await accountJwt(s.operator, s.accountA, []), true);
        for (const limited of [false, true]) {
          const prefix = limited ? 'limited ' : '';
          if (limited) {
            await updateAccount(ep, s.sys, s.accountA.getPublicKey(), await accountJwt(s.operator, s.accountA, [`sb:rate_msgs=${FAIR_RATE_MSGS}`]));
          }
          const idle = await requests(asB, ctx.timing);
          out[`${prefix}idle p50`] = idle.p50;
          out[`${prefix}idle p99`] = idle.p99;
          const flood = await withFlood(asA, () => requests(asB, ctx.timing));
          out[`${prefix}flood p50`] = flood.result.p50;
          out[`${prefix}flood p99`] = flood.result.p99;
          out[limited ? 'A limited' : 'A flood'] = flood.rate;
          ctx.log(`  ${prefix || 'unlimited '}B p99 flood/idle = ${(flood.result.p99 / idle.p99).toFixed(2)}, A ${Math.round(flood.rate)} msgs/s`);
        }
        return out;
      } finally {
        await responder.stop();
      }
    },
  };
}

function accountJwt(operator: KeyPair, account: KeyPair, tags: string[]): Promise<string> {
  return encodeAccount('A', account, { limits: UNLIMITED, ...(tags.length > 0 && { tags }) }, { signer: operator });
}

/** B's round trips, one at a time, over the warm-up and measurement windows. */
async function requests(ep: Endpoint, timing: { warmupMs: number; measureMs: number }): Promise<{ p50: number; p99: number }> {
  const requester = new RoleThread({ role: 'requester', ep, subject: REQ_SUBJECT, size: SIZE, concurrency: 1, ...timing, maxSamples: 1_000_000 });
  try {
    await requester.next('ready');
    requester.send({ type: 'start' });
    const { micros, count } = await requester.next('samples', timing.warmupMs + timing.measureMs + 15_000);
    if (count === 0) throw new Error('B got no reply');
    const sorted = micros.sort();
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  } finally {
    await requester.stop();
  }
}

/** Runs `fn` while A publishes at full speed to a subscriber of its own; A's rate over `fn`. */
async function withFlood<T>(ep: Endpoint, fn: () => Promise<T>): Promise<{ result: T; rate: number }> {
  const counters = newCounters();
  const subscriber = new RoleThread({ role: 'subscriber', ep, subject: FLOOD_SUBJECT, queue: '', conns: 1, counters });
  const publisher = new RoleThread({ role: 'publisher', ep, subject: FLOOD_SUBJECT, size: SIZE, deliveries: 1, counters });
  try {
    await Promise.all([subscriber.next('ready'), publisher.next('ready')]);
    publisher.send({ type: 'start' });
    // Let the flood build up before B starts measuring.
    await sleep(100);
    const before = Atomics.load(counters, PUBLISHED);
    const t0 = performance.now();
    const result = await fn();
    const rate = ((Atomics.load(counters, PUBLISHED) - before) * 1000) / (performance.now() - t0);
    publisher.send({ type: 'finish' });
    await publisher.next('finished');
    if (publisher.error ?? subscriber.error) throw publisher.error ?? subscriber.error;
    return { result, rate };
  } finally {
    await Promise.all([publisher.stop(), subscriber.stop()]);
  }
}

/** Pushes an account JWT the way the control plane does ($SYS claims update) and waits for the answer. */
async function updateAccount(ep: Endpoint, sysJwt: string, account: string, jwt: string, skipOk = false): Promise<void> {
  const c = new UpdateConn({ ...ep, auth: { jwt: sysJwt } });
  try {
    await c.ready;
    const answer = await c.request(`$SYS.REQ.ACCOUNT.${account}.CLAIMS.UPDATE`, jwt);
    if (!answer.includes('jwt updated') && !(skipOk && answer.includes('jwt update skipped')))
      throw new Error(`account update refused: ${answer.slice(0, 200)}`);
  } finally {
    c.close();
  }
}

class UpdateConn extends Conn {
  private answer: ((text: string) => void) | null = null;
  private failure: Error | null = null;

  constructor(ep: Endpoint) {
    super(ep, (m) => (this.failure = new Error(m)));
  }

  request(subject: string, body: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(this.failure ?? new Error('no answer to the account update')), 5_000);
      this.answer = (text) => {
        clearTimeout(timer);
        resolve(text);
      };
      const payload = Buffer.from(body);
      this.socket.write(`SUB fair.update.reply 1\r\nPUB ${subject} fair.update.reply ${payload.length}\r\n`);
      this.socket.write(Buffer.concat([payload, Buffer.from('\r\n')]));
    });
  }

  override onMsg(_subject: string, _sid: string, _reply: string, _hdrLen: number, msg: Buffer): void {
    this.answer?.(msg.toString());
  }
}
