// The broker tests' plumbing: both official NATS clients behind one small interface, and
// collecting messages with a deadline (ports, processes and waiting: @switchboard/testing).
import * as v2 from 'nats';
import * as v3 from '@nats-io/transport-node';
import type { Cred } from '@switchboard/testing';

export interface Msg {
  subject: string;
  data: Uint8Array;
  reply?: string;
  headers?: { get(k: string): string } | undefined;
  respond(data?: Uint8Array): boolean;
}
export interface Sub extends AsyncIterable<Msg> {
  unsubscribe(max?: number): void;
  getProcessed(): number;
}
export interface Hdrs {
  set(k: string, v: string): void;
}
export interface Conn {
  publish(subject: string, data?: Uint8Array, opts?: { reply?: string; headers?: Hdrs }): void;
  subscribe(subject: string, opts?: { queue?: string; max?: number; callback?: (err: Error | null, m: Msg) => void }): Sub;
  request(subject: string, data?: Uint8Array, opts?: { timeout?: number; headers?: Hdrs; noMux?: boolean }): Promise<Msg>;
  flush(): Promise<void>;
  drain(): Promise<void>;
  close(): Promise<void>;
  closed(): Promise<void | Error>;
  isClosed(): boolean;
  status(): AsyncIterable<{ type: string }>;
  readonly info?: { server_id: string; max_payload: number; headers?: boolean } | undefined;
}
export interface ClientKind {
  name: string;
  connect(opts: Record<string, unknown>): Promise<Conn>;
  headers(): Hdrs;
}

export const clientKinds: ClientKind[] = [
  { name: 'nats v2', connect: (o) => v2.connect(o) as unknown as Promise<Conn>, headers: () => v2.headers() },
  { name: '@nats-io v3', connect: (o) => v3.connect(o) as unknown as Promise<Conn>, headers: () => v3.headers() },
];

const enc = new TextEncoder();
const dec = new TextDecoder();
export const bytes = (s: string): Uint8Array => enc.encode(s);
export const text = (b: Uint8Array): string => dec.decode(b);

/** Collects `n` messages from a subscription, failing after `ms`. */
export async function take(sub: Sub, n: number, ms = 5_000): Promise<Msg[]> {
  const out: Msg[] = [];
  if (n === 0) return out;
  const timer = setTimeout(() => sub.unsubscribe(), ms);
  for await (const m of sub) {
    out.push(m);
    if (out.length >= n) break;
  }
  clearTimeout(timer);
  if (out.length < n) throw new Error(`got ${out.length} of ${n} messages`);
  return out;
}

/** A nats.js v2 connection as an operator-mode user (its JWT, the nonce signed with its seed), no reconnect. */
export const asUser = (port: number, cred: Cred): Promise<v2.NatsConnection> =>
  v2.connect({ port, authenticator: v2.jwtAuthenticator(cred.jwt, cred.key.getSeed()), reconnect: false });
