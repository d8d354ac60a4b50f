// Group commit for hot queries: calls made within one turn of the event loop (requests that arrived
// together, or resumed together after a shared query) are run as one batch — one round trip and,
// for writes, one transaction and one WAL flush — instead of one each. A batch starts once the
// current I/O callbacks are done (setImmediate), so a lone call waits for no timer; while a batch is
// out, calls made meanwhile gather for the next one (at most one batch runs at a time, as in
// PostgreSQL's own group commit), so the busier the process, the larger the batches.

export type Settled<O> = { ok: true; value: O } | { ok: false; error: unknown };

interface Waiter<I, O> {
  input: I;
  resolve: (v: O) => void;
  reject: (e: unknown) => void;
}

export class TickBatch<I, O> {
  private pending: Waiter<I, O>[] = [];
  private scheduled = false;
  private running = false;

  /**
   * `run` gets the inputs of one batch (at most `maxBatch`) and answers one outcome per input, in
   * order; when it throws, every call of the batch rejects with that error.
   */
  constructor(
    private readonly run: (inputs: I[]) => Promise<Settled<O>[]>,
    private readonly maxBatch = 500,
  ) {}

  add(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running || this.pending.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.next();
    });
  }

  private async next(): Promise<void> {
    const batch = this.pending.splice(0, this.maxBatch);
    this.running = true;
    try {
      await this.runBatch(batch);
    } finally {
      this.running = false;
      this.schedule();
    }
  }

  private async runBatch(batch: Waiter<I, O>[]): Promise<void> {
    let out: Settled<O>[];
    try {
      out = await this.run(batch.map((w) => w.input));
      if (out.length !== batch.length) throw new Error(`batch answered ${out.length} outcomes for ${batch.length} inputs`);
    } catch (e) {
      for (const w of batch) w.reject(e);
      return;
    }
    for (let i = 0; i < batch.length; i++) {
      const o = out[i]!;
      if (o.ok) batch[i]!.resolve(o.value);
      else batch[i]!.reject(o.error);
    }
  }
}
