// What the e2e/jetstream tests share: nats-server -js and the broker -js for the whole file (with
// one nats.js connection to each for the $JS.API differentials), and the differentials' steps and
// transcript comparison (one JSON line per step; JS_DIFF_DUMP=<dir> also writes both,
// <case>.ref and <case>.broker, for a diff tool).
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect } from 'vitest';
import { connect, type NatsConnection } from 'nats';
import { jetStreamConfig, startBoth, type RunningServer, type ServerKind, type ServerOptions } from '@switchboard/testing';

/** Both servers from one config (JetStream in their own directories by default), filled in before the file's tests run. */
export function useBothServers(config: ServerOptions['config'] = jetStreamConfig): Record<ServerKind, RunningServer> {
  const servers = {} as Record<ServerKind, RunningServer>;
  beforeAll(async () => {
    Object.assign(servers, await startBoth({ config }));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
  });
  return servers;
}

/** Both servers and a connection to each (closed before the servers stop). */
export function useServerPair(): Record<ServerKind, NatsConnection> {
  const servers = useBothServers();
  const conns = {} as Record<ServerKind, NatsConnection>;
  beforeAll(async () => {
    for (const k of ['nats-server', 'broker'] as const) conns[k] = await connect({ servers: servers[k].url });
  });
  afterAll(async () => {
    await Promise.all(Object.values(conns).map((c) => c.close()));
  });
  return conns;
}

/** The broker's transcript of a case equals nats-server's, line for line. */
export function expectSameTranscript(name: string, expected: unknown[], actual: unknown[]): void {
  const lines = (t: unknown[]): string => t.map((x) => JSON.stringify(x)).join('\n');
  const dump = process.env.JS_DIFF_DUMP;
  if (dump) {
    const file = `${dump}/${name.replace(/\W+/g, '_')}`;
    writeFileSync(`${file}.ref`, lines(expected));
    writeFileSync(`${file}.broker`, lines(actual));
  }
  expect(lines(actual)).toBe(lines(expected));
}

/** A step's request body: nothing, a string as it is, anything else as JSON. */
export function encodeBody(body: unknown): Uint8Array {
  return new TextEncoder().encode(body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body));
}

/** A reply's data as JSON, or as text where it is not JSON (a stored message, an empty ack reply). */
export function replyBody(data: Uint8Array): unknown {
  const text = new TextDecoder().decode(data);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** How a transcript names a request step. */
export function stepName(subject: string, body: unknown): string {
  return `${subject} ${body === undefined ? '' : JSON.stringify(body)}`;
}
