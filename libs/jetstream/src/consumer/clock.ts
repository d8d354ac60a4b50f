/**
 * Time for consumers, so the engine runs in tests on a fake clock. A consumer holds one timer
 * (its earliest deadline: ack wait, pull expiry or heartbeat, idle heartbeat, inactivity,
 * replay or rate delay) and defers delivery runs to the end of the current I/O turn.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  setTimer(cb: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  /** Run `cb` once the current I/O turn is done (setImmediate). */
  defer(cb: () => void): void;
  /** Run `cb` right after the current handler (a microtask): before the next I/O is read. */
  soon(cb: () => void): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimer: (cb, ms) => {
    const t = setTimeout(cb, Math.max(0, ms));
    t.unref?.();
    return t;
  },
  clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
  defer: (cb) => void setImmediate(cb),
  soon: (cb) => queueMicrotask(cb),
};

/** A clock that moves only when told: `advance(ms)` fires due timers, `flush()` runs deferred work. */
export class FakeClock implements Clock {
  private t: number;
  private timers = new Map<number, { at: number; cb: () => void }>();
  private nextId = 1;
  private deferred: Array<() => void> = [];
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  setTimer(cb: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.t + Math.max(0, ms), cb });
    return id;
  }
  clearTimer(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  defer(cb: () => void): void {
    this.deferred.push(cb);
  }
  soon(cb: () => void): void {
    this.deferred.push(cb);
  }
  /** Runs deferred work until none is left. */
  flush(): void {
    for (let i = 0; i < 10_000 && this.deferred.length > 0; i++) {
      const batch = this.deferred;
      this.deferred = [];
      for (const cb of batch) cb();
    }
  }
  /** Moves time forward, firing each due timer in order (and deferred work after each). */
  advance(ms: number): void {
    const end = this.t + ms;
    this.flush();
    for (;;) {
      let next: [number, { at: number; cb: () => void }] | undefined;
      for (const e of this.timers) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = Math.max(this.t, next[1].at);
      next[1].cb();
      this.flush();
    }
    this.t = end;
    this.flush();
  }
  pendingTimers(): number {
    return this.timers.size;
  }
}
