/**
 * Run by crash.test.ts as a real process: appends to a file store as fast as it can and prints
 * `A <seq>` for every message once `flushed()` resolved (what a broker would ack), and
 * `C <seq>` once the consumer state recording that sequence is written. The parent SIGKILLs it.
 * argv: <dir> <interval|always> <plain|kv>
 */
import { openFileStore } from '@switchboard/stream-store';
import { crashPayload, crashSubject } from './crash-data.js';

const [dir, sync, mode] = process.argv.slice(2) as [string, string, string];
const store = openFileStore({
  dir,
  sync: sync === 'always' ? 'always' : 60_000,
  maxSegmentBytes: 64 * 1024,
  limits: mode === 'kv' ? { maxMsgsPerSubject: 1 } : {},
  log: (l) => process.stderr.write(`${l}\n`),
});
const consumer = store.consumer('crash');
const out = process.stdout;

async function loop(): Promise<void> {
  for (;;) {
    const burst = 1 + Math.floor(Math.random() * 64);
    const seqs: number[] = [];
    for (let i = 0; i < burst; i++) {
      const seq = store.state().lastSeq + 1;
      seqs.push(store.append(crashSubject(seq, mode), null, crashPayload(seq)));
    }
    await store.flushed();
    out.write(seqs.map((s) => `A ${s}\n`).join(''));
    const last = seqs[seqs.length - 1]!;
    consumer.update({
      delivered: { consumer: last, stream: last },
      ackFloor: { consumer: last - 1, stream: last - 1 },
      pending: new Map(),
      redelivered: new Map(),
    });
    await consumer.flushed();
    out.write(`C ${last}\n`);
  }
}
out.write(`READY ${store.state().lastSeq}\n`);
void loop();
