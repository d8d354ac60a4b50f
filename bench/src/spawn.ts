import { Worker } from 'node:worker_threads';
import type { RoleCommand, RoleEvent, RoleSpec } from './roles.js';

const WORKER = new URL('./worker.ts', import.meta.url).href;
/**
 * Workers don't inherit tsx's loader hooks on Node 20: the thread registers tsx itself, then
 * imports the TypeScript entry. `--conditions` is inherited through execArgv.
 */
const TSX_API = import.meta.resolve('tsx/esm/api'); // absolute, so any cwd works
const BOOT = `import(${JSON.stringify(TSX_API)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER)}); })`;

/** A generator thread seen from the main thread. */
export class RoleThread {
  private readonly worker: Worker;
  private failure: Error | null = null;
  private stopping = false;
  private readonly waiting: Array<{ type: RoleEvent['type']; resolve: (e: RoleEvent) => void; reject: (e: Error) => void }> = [];
  /** Events that arrived before anyone asked for them. */
  private readonly arrived: RoleEvent[] = [];

  constructor(spec: RoleSpec) {
    this.worker = new Worker(BOOT, { eval: true, workerData: spec });
    this.worker.on('message', (e: RoleEvent) => {
      if (e.type === 'error') return this.abort(new Error(e.message));
      const i = this.waiting.findIndex((w) => w.type === e.type);
      if (i >= 0) this.waiting.splice(i, 1)[0]!.resolve(e);
      else this.arrived.push(e);
    });
    this.worker.on('error', (err) => this.abort(err));
    this.worker.on('exit', (code) => this.abort(new Error(`${spec.role} thread exited (${code})`)));
  }

  /** The first failure reported by the thread, if any (checked after a measurement). */
  get error(): Error | null {
    return this.failure;
  }

  next<T extends RoleEvent['type']>(type: T, timeoutMs = 15_000): Promise<Extract<RoleEvent, { type: T }>> {
    if (this.failure) return Promise.reject(this.failure);
    const early = this.arrived.findIndex((e) => e.type === type);
    if (early >= 0) return Promise.resolve(this.arrived.splice(early, 1)[0] as Extract<RoleEvent, { type: T }>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${type}`)), timeoutMs);
      this.waiting.push({
        type,
        resolve: (e) => (clearTimeout(timer), resolve(e as Extract<RoleEvent, { type: T }>)),
        reject: (err) => (clearTimeout(timer), reject(err)),
      });
    });
  }

  send(c: RoleCommand): void {
    this.worker.postMessage(c);
  }

  /** Asks the role to close its sockets, then ends the thread. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.send({ type: 'stop' });
    await this.worker.terminate();
  }

  private abort(err: Error): void {
    if (this.failure || this.stopping) return;
    this.failure = err;
    for (const w of this.waiting.splice(0)) w.reject(err);
  }
}
