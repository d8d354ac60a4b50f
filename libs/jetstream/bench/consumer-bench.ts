/**
 * The consumer engine alone (no broker, no sockets): a memory stream of N messages drained by a
 * pull consumer (explicit acks, requests of 256) and by a push consumer (ack none), against a
 * host that only counts. Shows what the engine costs per message.
 * `node --conditions=@switchboard/source --import tsx libs/jetstream/bench/consumer-bench.ts [N] [size]`
 */
import { createMemoryStore } from '@switchboard/stream-store';
import { ConsumerSet, type ConsumerHost, decodeConsumerConfig, isErrorBody, realClock } from '../src/consumer/index.js';

const N = Number(process.argv[2] ?? 200_000);
const SIZE = Number(process.argv[3] ?? 128);
const te = new TextEncoder();

function makeStream(): { set: ConsumerSet; host: CountingHost } {
  const store = createMemoryStore();
  const host = new CountingHost();
  const set = new ConsumerSet({
    stream: {
      name: 'S',
      store,
      view: () => ({ subjects: ['s.>'], retention: 'limits', replicas: 1, maxConsumers: -1 }),
      removeMsg: (s) => void store.remove(s),
    },
    host,
    clock: realClock,
    metaDir: null,
  });
  const data = new Uint8Array(SIZE);
  for (let i = 0; i < N; i++) store.append(`s.${i % 100}`, null, data);
  return { set, host };
}

class CountingHost implements ConsumerHost {
  msgs = 0;
  replies: string[] = [];
  onMsg: (() => void) | null = null;
  keep = true;
  deliver(_to: string, _subject: string, reply: string, hdr: Uint8Array | null): void {
    if (hdr !== null && hdr.length > 9 && hdr[9] !== 0x0d && reply === '') return; // status
    this.msgs++;
    if (this.keep) this.replies.push(reply);
    this.onMsg?.();
  }
  hasInterest(): boolean {
    return true;
  }
}

async function pull(): Promise<number> {
  const { set, host } = makeStream();
  const cfg = decodeConsumerConfig({ durable_name: 'p', ack_policy: 'explicit', max_ack_pending: 10_000 });
  if (isErrorBody(cfg)) throw new Error(cfg.description);
  const c = set.create(cfg);
  if (isErrorBody(c)) throw new Error(c.description);
  const req = te.encode('{"batch":256}');
  const ACK = te.encode('+ACK');
  const t0 = process.hrtime.bigint();
  while (host.msgs < N) {
    const before = host.msgs;
    c.processNextRequest('inbox', req);
    await new Promise<void>((r) => {
      host.onMsg = () => {
        if (host.msgs - before === 256 || host.msgs === N) {
          host.onMsg = null;
          r();
        }
      };
    });
    for (const reply of host.replies.splice(0)) c.processAck(reply, '', ACK);
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  await set.stop();
  return N / secs;
}

async function push(): Promise<number> {
  const { set, host } = makeStream();
  host.keep = false;
  const cfg = decodeConsumerConfig({ durable_name: 'q', ack_policy: 'none', deliver_subject: 'd' });
  if (isErrorBody(cfg)) throw new Error(cfg.description);
  const t0 = process.hrtime.bigint();
  const done = new Promise<void>((r) => (host.onMsg = () => host.msgs === N && r()));
  set.create(cfg);
  await done;
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  await set.stop();
  return N / secs;
}

const fmt = (v: number): string => Math.round(v).toLocaleString('en');
console.log(`consumer engine, ${N} msgs of ${SIZE} B in a memory store`);
console.log(`pull (explicit acks, batch 256): ${fmt(await pull())} msgs/s`);
console.log(`push (ack none):                 ${fmt(await push())} msgs/s`);
