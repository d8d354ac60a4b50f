/**
 * ClientParser throughput: million PUB ops/s for 16/128/1024-byte payloads, the input fed
 * as one large chunk and as 64 KiB chunks (what a socket hands over).
 *
 *   node --conditions=@switchboard/source --import tsx libs/protocol/bench/parser-bench.ts
 */
import { ClientParser, type ClientOpHandler } from '../src/index.js';

class Counter implements ClientOpHandler {
  msgs = 0;
  bytes = 0;
  onConnect(): void {}
  onPub(_subject: string, _reply: string, _hdr: number, msg: Buffer): void {
    this.msgs++;
    this.bytes += msg.length;
  }
  onSub(): void {}
  onUnsub(): void {}
  onPing(): void {}
  onPong(): void {}
  onParseError(message: string): void {
    throw new Error(`bench input rejected: ${message}`);
  }
}

const TARGET_BYTES = 16 * 1024 * 1024;
const MIN_MS = 1500;

function input(payload: number): { buf: Buffer; ops: number } {
  const one = Buffer.from(`PUB bench.subject.a ${payload}\r\n${'x'.repeat(payload)}\r\n`);
  const ops = Math.max(1, Math.floor(TARGET_BYTES / one.length));
  return { buf: Buffer.concat(Array.from({ length: ops }, () => one)), ops };
}

/** Million ops per second of wall time and per second of this process's CPU time. */
function run(chunks: Buffer[], ops: number): { wall: number; cpu: number } {
  const counter = new Counter();
  const parser = new ClientParser(counter, { maxControlLine: 4096, maxPayload: 1024 * 1024 });
  let rounds = 0;
  const start = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  let ms = 0;
  do {
    for (let k = 0; k < chunks.length; k++) parser.parse(chunks[k]!);
    rounds++;
    ms = Number(process.hrtime.bigint() - start) / 1e6;
  } while (ms < MIN_MS);
  const cpu = process.cpuUsage(cpu0);
  if (counter.msgs !== ops * rounds) throw new Error(`counted ${counter.msgs}, expected ${ops * rounds}`);
  const total = ops * rounds;
  return { wall: total / ms / 1000, cpu: total / ((cpu.user + cpu.system) / 1000) / 1000 };
}

function split(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

// The test machines are shared: CPU-time rates are the steadier figure under load.
console.log(`node ${process.version}; million PUB ops/s, best of 3 runs of >= ${MIN_MS} ms (wall | CPU time)`);
console.log('payload      one chunk      64 KiB chunks');
const fmt = (r: { wall: number; cpu: number }) => `${r.wall.toFixed(2).padStart(5)} | ${r.cpu.toFixed(2).padStart(5)}`;
for (const payload of [16, 128, 1024]) {
  const { buf, ops } = input(payload);
  const chunks = split(buf, 64 * 1024);
  run([buf], ops); // warm-up
  const best = (a: { wall: number; cpu: number }, b: { wall: number; cpu: number }) => ({
    wall: Math.max(a.wall, b.wall),
    cpu: Math.max(a.cpu, b.cpu),
  });
  let whole = { wall: 0, cpu: 0 };
  let parts = { wall: 0, cpu: 0 };
  for (let r = 0; r < 3; r++) {
    whole = best(whole, run([buf], ops));
    parts = best(parts, run(chunks, ops));
  }
  console.log(`${String(payload).padStart(5)} B  ${fmt(whole)}  ${fmt(parts)}`);
}
