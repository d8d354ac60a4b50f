/**
 * Entry of one generator thread: builds the role named in workerData, reports 'ready',
 * then obeys 'start', 'finish' and 'stop' from the main thread. Any failure is reported, never thrown.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RoleCommand, RoleEvent, RoleSpec } from './roles.js';
import { Publisher } from './roles/publisher.js';
import { Subscriber } from './roles/subscriber.js';
import { Responder } from './roles/responder.js';
import { Requester } from './roles/requester.js';

const port = parentPort!;
const spec = workerData as RoleSpec;
const post = (e: RoleEvent, transfer: ArrayBuffer[] = []): void => port.postMessage(e, transfer);
const fail = (message: string): void => post({ type: 'error', message: `${spec.role}: ${message}` });
const commands: Array<(c: RoleCommand) => void> = [];
port.on('message', (c: RoleCommand) => commands.forEach((f) => f(c)));

async function main(): Promise<void> {
  switch (spec.role) {
    case 'publisher': {
      const p = new Publisher(spec.ep, spec.subject, spec.size, spec.deliveries, spec.counters, fail);
      await p.ready;
      commands.push((c) => {
        if (c.type === 'start') return p.start();
        if (c.type === 'stop') return p.close();
        p.stop();
        post({ type: 'finished' });
      });
      break;
    }
    case 'subscriber': {
      const subs: Subscriber[] = [];
      for (let i = 0; i < spec.conns; i++) subs.push(new Subscriber(spec.ep, spec.counters, fail));
      await Promise.all(subs.map((s, i) => s.subscribe(spec.subject, spec.queue, String(i + 1))));
      commands.push((c) => c.type === 'stop' && subs.forEach((s) => s.close()));
      break;
    }
    case 'responder': {
      const r = new Responder(spec.ep, fail);
      await r.listen(spec.subject);
      commands.push((c) => c.type === 'stop' && r.close());
      break;
    }
    case 'requester': {
      const r = new Requester(spec.ep, spec, fail);
      await r.prepare();
      commands.push((c) => {
        if (c.type === 'stop') return r.close();
        if (c.type !== 'start') return;
        void r.run().then(() => {
          const micros = r.samples.slice(0, r.count);
          post({ type: 'samples', micros, count: r.count }, [micros.buffer]);
        });
      });
      break;
    }
  }
  post({ type: 'ready' });
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
