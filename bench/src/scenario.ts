import type { Endpoint } from './conn.js';

/** One number a scenario reports, and how the broker is judged on it. */
export interface Metric {
  name: string;
  unit: 'msgs/s' | 'conns/s' | 'µs' | 'µs/msg';
  higherIsBetter: boolean;
  /** The goal for broker/nats-server: ≥ ratio (higher is better) or ≤ ratio; `size` limits it to one payload size. */
  target?: { ratio: number; size?: number };
}

export interface Timing {
  warmupMs: number;
  measureMs: number;
}

export interface Context {
  timing: Timing;
  log(line: string): void;
  /** --verbose: log intermediate numbers (e.g. each slice's rate). */
  verbose: boolean;
  /**
   * CPU seconds used so far by the process serving the load (the server under test; for a
   * ceiling run, the generator itself): cost per message holds up on a busy machine where
   * msgs/s does not. NaN when unknown.
   */
  serverCpu(): number;
  /**
   * The generator's stand-in server (fake-server.ts) for this subject and payload size,
   * placed like the servers under test; started on first use, stopped by the runner.
   */
  standIn(subject: string, size: number): Promise<{ ep: Endpoint; cpuSeconds(): number }>;
}

export type Values = Record<string, number>;

/** How a scenario wants both servers started, when the plain `-a <host> -p <port>` won't do. */
export interface ServerSetup {
  /** Appended to both servers' command lines (e.g. `-c <config>` for operator mode). */
  args: string[];
  /** Removes whatever the setup created (config files, keys), after the servers stopped. */
  dispose?(): Promise<void>;
}

/**
 * A benchmark scenario. The runner calls `run` once per server and payload size, with the
 * same code driving each server; `ceiling`, when present, runs the same load against the
 * generator's stand-in server to show the generator is not the bottleneck. New scenarios
 * (connections authenticated per second, per-account fairness) plug in by implementing this
 * and joining the list in scenarios/index.ts.
 */
export interface Scenario {
  name: string;
  description: string;
  /** False: run once with size null (the size doesn't apply). */
  sized: boolean;
  /** Part of a plain `npm run bench`; others run only when named with --scenario. */
  byDefault: boolean;
  metrics: Metric[];
  run(ep: Endpoint, size: number, ctx: Context): Promise<Values>;
  ceiling?(size: number, ctx: Context): Promise<Values>;
  /** If present, the runner starts a dedicated nats-server/broker pair with this setup. */
  servers?(): Promise<ServerSetup>;
}
