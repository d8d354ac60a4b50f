// Times every push and tells an observer how long it took and whether the broker took the JWT:
// how /metrics gets push latency and failures; the push itself stays free of any metrics client
// (push-metrics.ts is the one place that knows prom-client).
import type { PushOutcome } from './claims-pusher.js';
import type { Pusher } from './propagate.js';

export interface PushObserver {
  /** One claims update to one broker: its duration (request to reply, or to the failure) and outcome. */
  pushed(seconds: number, ok: boolean): void;
}

export class ObservedPusher implements Pusher {
  constructor(
    private readonly inner: Pusher,
    private readonly observer: PushObserver,
  ) {}

  async push(broker: string, account: string, jwt: string): Promise<PushOutcome> {
    const start = performance.now();
    const outcome = await this.inner.push(broker, account, jwt);
    this.observer.pushed((performance.now() - start) / 1000, outcome.ok);
    return outcome;
  }
}
