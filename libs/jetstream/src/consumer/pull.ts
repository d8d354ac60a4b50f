/**
 * Pull requests (`$JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer>`) and the queue they wait in
 * (nats-server 2.9.10 consumer.go: nextReqFromMsg, waitQueue). One object per request, none
 * per delivered message.
 */

export interface PullRequest {
  reply: string;
  /** Messages still wanted. */
  n: number;
  /** Messages delivered so far. */
  d: number;
  /** Bytes still allowed (0 = no max_bytes). */
  b: number;
  /** Expiry in clock ms; 0 = none. */
  expires: number;
  /** Idle heartbeat period in ms (0 = none) and when the next one is due. */
  hb: number;
  hbt: number;
  noWait: boolean;
  received: number;
}

export type ParsedPull = { batch: number; expiresNs: number; maxBytes: number; noWait: boolean; hbNs: number } | { error: string };

const td = new TextDecoder();

/**
 * nextReqFromMsg: empty = batch 1; JSON `{batch, expires, max_bytes, no_wait, idle_heartbeat}`
 * (ns); a bare number = that batch; anything else = batch 1.
 */
export function parsePullRequest(body: Uint8Array): ParsedPull {
  const text = td.decode(body).trim();
  if (text === '') return { batch: 1, expiresNs: 0, maxBytes: 0, noWait: false, hbNs: 0 };
  if (text[0] === '{') {
    let r: Record<string, unknown>;
    try {
      r = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      return { error: (e as Error).message };
    }
    if (typeof r !== 'object' || r === null || Array.isArray(r))
      return { error: 'json: cannot unmarshal into Go value of type server.JSApiConsumerGetNextRequest' };
    const int = (k: string): number => {
      const v = r[k];
      if (v === undefined || v === null) return 0;
      if (typeof v !== 'number' || !Number.isInteger(v))
        throw new Error(`json: cannot unmarshal ${typeof v} into Go struct field JSApiConsumerGetNextRequest.${k}`);
      return v;
    };
    try {
      const expiresNs = int('expires');
      const hbNs = int('idle_heartbeat');
      const nw = r.no_wait;
      if (nw !== undefined && nw !== null && typeof nw !== 'boolean')
        throw new Error('json: cannot unmarshal into Go struct field JSApiConsumerGetNextRequest.no_wait of type bool');
      if (hbNs > 0 && hbNs * 2 > expiresNs) return { error: 'heartbeat value too large' };
      return { batch: int('batch'), expiresNs, maxBytes: int('max_bytes'), noWait: nw === true, hbNs };
    } catch (e) {
      return { error: (e as Error).message };
    }
  }
  const n = /^[+-]?\d+$/.test(text) ? Number(text) : 1;
  return { batch: n, expiresNs: 0, maxBytes: 0, noWait: false, hbNs: 0 };
}

/**
 * The requests waiting for messages, oldest first. A request that still wants more after a
 * delivery moves to the back, so concurrent fetchers share the stream.
 */
export class WaitQueue {
  readonly reqs: PullRequest[] = [];
  /** When a request last arrived or was served (clock ms): pull inactivity. */
  last = 0;
  constructor(readonly max: number) {}

  get length(): number {
    return this.reqs.length;
  }
  isFull(): boolean {
    return this.reqs.length >= this.max;
  }
  add(wr: PullRequest): boolean {
    if (this.isFull()) return false;
    this.reqs.push(wr);
    this.last = wr.received;
    return true;
  }
  peek(): PullRequest | undefined {
    return this.reqs[0];
  }
  /** Takes one delivery off the head request and rotates it to the back if it wants more. */
  pop(): PullRequest | undefined {
    const wr = this.reqs[0];
    if (wr === undefined) return undefined;
    wr.d++;
    wr.n--;
    if (wr.n > 0) {
      if (this.reqs.length > 1) this.reqs.push(this.reqs.shift()!);
    } else this.reqs.shift();
    return wr;
  }
  removeHead(): void {
    this.reqs.shift();
  }
  remove(wr: PullRequest): void {
    const i = this.reqs.indexOf(wr);
    if (i >= 0) this.reqs.splice(i, 1);
  }
  clear(): PullRequest[] {
    return this.reqs.splice(0);
  }
}
