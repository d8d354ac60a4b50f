// The megabytes a slow consumer had pending (up to max_pending each) are garbage once it is cut,
// but an idle broker allocates nothing more, so V8 would not collect them for a long time and the
// process would keep them resident. After slow consumers are cut, one full collection gives the
// memory back (with the malloc settings the image and `npm run broker` use: docs/footprint.md).
// V8's memory-reducing kind ('last-resort'): it also shrinks the young generation and hands the
// heap pages it keeps pooled back to the OS (−12 MB after the footprint bench's burst of clients).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Server } from '@switchboard/server';

const CHECK_MS = 1000;

/** V8's gc() extension: options pick the collection (major, synchronous, memory-reducing). */
type Gc = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

export function collectAfterSlowConsumers(server: Pick<Server, 'slowConsumers'>): void {
  let gc: Gc | null = null;
  let seen = server.slowConsumers;
  let pending = false;
  setInterval(() => {
    // Once the cutting is over (no new slow consumer within a check), not while it goes on.
    if (server.slowConsumers !== seen) {
      seen = server.slowConsumers;
      pending = true;
    } else if (pending) {
      pending = false;
      // Node's documented way to reach gc() without starting node with --expose-gc; made on first
      // need, as a new vm context costs start-up time and memory a broker without slow consumers never needs.
      if (gc === null) {
        setFlagsFromString('--expose-gc');
        gc = runInNewContext('gc') as Gc;
      }
      gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    }
  }, CHECK_MS).unref();
}
