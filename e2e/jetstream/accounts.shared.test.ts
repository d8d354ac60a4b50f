// Config-file accounts: JetStream only where the account says so, its limits held, the others
// answering $JS.API.INFO with 10039 and nothing else — the broker as nats-server -js.
import { describe, expect, it } from 'vitest';
import { connect } from 'nats';
import type { ServerKind } from '@switchboard/testing';
import { useBothServers } from './server-pair.js';

const config = (dir: string): string => `
jetstream { store_dir: "${dir}/js" }
accounts {
  A: { jetstream { max_streams: 1, max_file: 1M }, users: [{ user: a, password: a }] }
  B: { users: [{ user: b, password: b }] }
}
`;

const servers = useBothServers(config);

async function request(kind: ServerKind, user: string, subject: string, body: unknown = ''): Promise<unknown> {
  const nc = await connect({ servers: servers[kind].url, user, pass: user });
  try {
    const m = await nc.request(subject, new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body)), { timeout: 2000 });
    return JSON.parse(new TextDecoder().decode(m.data)) as unknown;
  } catch (e) {
    return (e as Error).message;
  } finally {
    await nc.close();
  }
}

describe('JetStream per config-file account (broker vs nats-server)', () => {
  const steps: [string, string, unknown][] = [
    ['a', '$JS.API.STREAM.CREATE.S1', { name: 'S1', max_bytes: 1000 }],
    ['a', '$JS.API.STREAM.CREATE.S2', { name: 'S2', max_bytes: 1000 }],
    ['a', '$JS.API.STREAM.CREATE.S3', { name: 'S3' }],
    ['b', '$JS.API.INFO', ''],
    ['b', '$JS.API.STREAM.NAMES', ''],
    ['b', '$JS.API.STREAM.CREATE.X', { name: 'X' }],
  ];
  for (const [user, subject, body] of steps) {
    it(`${user}: ${subject}`, async () => {
      const mask = (v: unknown): unknown => JSON.parse(JSON.stringify(v).replace(/"(created|first_ts|last_ts)":"[^"]*"/g, '"$1":"<t>"'));
      const ref = mask(await request('nats-server', user, subject, body));
      const got = mask(await request('broker', user, subject, body));
      expect(got).toEqual(ref);
    });
  }
});
