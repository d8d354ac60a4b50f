import { Conn, type Endpoint } from '../conn.js';
import { RECEIVED } from '../counters.js';

/** One subscription on its own connection; counts MSGs and publishes the count per chunk. */
export class Subscriber extends Conn {
  private count = 0;

  constructor(
    ep: Endpoint,
    private readonly counters: Int32Array,
    onFailure: (message: string) => void,
  ) {
    super(ep, onFailure);
  }

  /** SUB, then a PING round trip so the interest is in place before anyone publishes. */
  async subscribe(subject: string, queue: string, sid: string): Promise<void> {
    await this.ready;
    this.socket.write(queue === '' ? `SUB ${subject} ${sid}\r\n` : `SUB ${subject} ${queue} ${sid}\r\n`);
    await this.flush();
  }

  override onMsg(): void {
    this.count++;
  }

  protected override afterChunk(): void {
    if (this.count === 0) return;
    Atomics.add(this.counters, RECEIVED, this.count);
    this.count = 0;
    // Wakes a publisher waiting for subscribers to catch up (flow control).
    Atomics.notify(this.counters, RECEIVED);
  }
}
