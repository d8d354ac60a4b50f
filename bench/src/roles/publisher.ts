import { Conn, type Endpoint } from '../conn.js';
import { PUBLISHED, RECEIVED, SENT } from '../counters.js';
import { framesPerWrite, pubFrames } from '../frames.js';

/** Windows written but not yet acknowledged by the server's PONG. */
const MAX_WINDOWS = 8;
/** Windows' worth of deliveries subscribers may trail behind what was written. */
const LAG_WINDOWS = 16;

/**
 * Publishes in windows of ~64 KiB, each followed by a PING: at most MAX_WINDOWS windows are
 * unacknowledged, so the server is measured rather than its input buffers. When subscribers
 * exist it also waits for them to keep up (end-to-end lag bounded), so a server can't score
 * by queueing messages it has not delivered yet.
 */
export class Publisher extends Conn {
  private readonly batch: Buffer;
  private readonly perWindow: number;
  private readonly maxLag: number;
  private running = false;
  private started = false;
  private waiting = false;
  private outstanding = 0;
  private sent = 0;

  constructor(
    ep: Endpoint,
    subject: string,
    size: number,
    private readonly deliveries: number,
    private readonly counters: Int32Array,
    onFailure: (message: string) => void,
  ) {
    super(ep, onFailure);
    const frame = `PUB ${subject} ${size}\r\n`.length + size + 2;
    this.perWindow = framesPerWrite(frame);
    this.batch = pubFrames(subject, '', size, this.perWindow, 'PING\r\n');
    this.maxLag = LAG_WINDOWS * this.perWindow * deliveries;
  }

  start(): void {
    this.started = true;
    this.running = true;
    this.pump();
  }

  stop(): void {
    this.running = false;
  }

  override onPong(): void {
    if (!this.started) return super.onPong();
    this.outstanding--;
    Atomics.add(this.counters, PUBLISHED, this.perWindow);
    this.pump();
  }

  private pump(): void {
    while (this.running && this.outstanding < MAX_WINDOWS && !this.waiting) {
      if (this.deliveries > 0) {
        const received = Atomics.load(this.counters, RECEIVED);
        if (this.sent * this.deliveries - received > this.maxLag) {
          const w = Atomics.waitAsync(this.counters, RECEIVED, received, 1000);
          if (!w.async) continue; // they moved on meanwhile
          this.waiting = true;
          w.value.then(this.resume);
          return;
        }
      }
      this.socket.write(this.batch);
      this.outstanding++;
      this.sent += this.perWindow;
      Atomics.add(this.counters, SENT, this.perWindow);
    }
  }

  /** Bound once: the only callback, re-used for every wait. */
  private readonly resume = (): void => {
    this.waiting = false;
    this.pump();
  };
}
