// The same TLS config file starts the real nats-server and the broker; the same clients must
// get the same outcome from both: connect with the CA, refusal without a client certificate
// under verify, plain-text clients cut after INFO, verify_and_map users (and non-users).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigFile } from '@switchboard/config';
import { optionsFromConfig } from '@switchboard/server';
import { startBroker, type Broker } from '../src/broker.js';
import { bytes, clientKinds, take, text } from './helpers.js';
import { type CertSet, freePort, makeCerts, RawClient, startNatsServer, waitFor } from '@switchboard/testing';

interface Pair {
  /** Client port and monitoring port of each server. */
  servers: { name: string; port: number; http: number }[];
  stop(): Promise<void>;
}

let certs: CertSet;
beforeAll(() => {
  certs = makeCerts();
});
afterAll(() => certs.remove());

/** Writes `conf`, starts nats-server and the broker from that same file (ports from flags, as both allow). */
async function startPair(name: string, conf: string): Promise<Pair> {
  const file = join(certs.dir, `${name}.conf`);
  writeFileSync(file, conf);
  const http = await freePort();
  const ref = await startNatsServer({ configFile: file, args: ['-m', String(http)] });
  let broker: Broker | null = null;
  try {
    const { options } = optionsFromConfig(parseConfigFile(file));
    broker = await startBroker({ ...options, host: '127.0.0.1', port: 0, httpPort: -1 });
    await waitFor(
      () =>
        fetch(`http://127.0.0.1:${http}/healthz`).then(
          (r) => r.ok,
          () => false,
        ),
      10_000,
      'nats-server',
    );
  } catch (err) {
    await ref.stop();
    await broker?.close();
    throw err;
  }
  const b = broker;
  return {
    servers: [
      { name: 'nats-server', port: ref.port, http },
      { name: 'broker', port: b.port, http: b.httpPort },
    ],
    async stop() {
      await ref.stop();
      await b.close();
    },
  };
}

function tlsBlock(extra: string): string {
  return `tls {\n  cert_file: "${certs.serverCert}"\n  key_file: "${certs.serverKey}"\n  ca_file: "${certs.ca}"\n  ${extra}\n}\n`;
}

/** INFO, then what a plain-text client that sends CONNECT + PING gets before the server closes. */
async function plainTextClient(port: number): Promise<{ info: Record<string, unknown>; after: string }> {
  const raw = await RawClient.open(port);
  await raw.waitFor('\r\n');
  raw.send('CONNECT {"verbose":false,"pedantic":false}\r\nPING\r\n');
  await raw.waitClosed();
  const end = raw.data.indexOf('\r\n');
  return { info: JSON.parse(raw.data.slice(5, end)), after: raw.data.slice(end + 2) };
}

/** Whether a client with these TLS options gets a working connection; the error text if not. */
async function outcome(kind: (typeof clientKinds)[number], port: number, tls: Record<string, string> | undefined | null, name = 'diff'): Promise<string> {
  try {
    const nc = await kind.connect({ servers: `127.0.0.1:${port}`, tls, reconnect: false, timeout: 5_000, name });
    try {
      const sub = nc.subscribe('diff.tls');
      const got = take(sub, 1);
      nc.publish('diff.tls', bytes('hi'));
      return text((await got)[0]!.data) === 'hi' ? 'ok' : 'wrong data';
    } finally {
      await nc.close();
    }
  } catch (err) {
    return `refused: ${(err as Error).message}`;
  }
}

const tlsInfoFields = (info: Record<string, unknown>) => ({ tls_required: info.tls_required, tls_verify: info.tls_verify, tls_available: info.tls_available });

describe('tls: same config, same behaviour as nats-server', () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair('tls', tlsBlock('timeout: 2'));
  });
  afterAll(() => pair.stop());

  it('plain-text client: same INFO TLS fields, nothing after INFO, then closed', async () => {
    const [a, b] = await Promise.all(pair.servers.map((s) => plainTextClient(s.port)));
    expect(tlsInfoFields(b!.info)).toEqual(tlsInfoFields(a!.info));
    expect(b!.info.tls_required).toBe(true);
    expect(Object.keys(b!.info).sort()).toEqual(Object.keys(a!.info).sort());
    expect(a!.after).toBe('');
    expect(b!.after).toBe('');
  });

  for (const kind of clientKinds) {
    it(`${kind.name}: connects with the CA on both; refuses without it on both`, async () => {
      for (const s of pair.servers) {
        expect(await outcome(kind, s.port, { caFile: certs.ca }), s.name).toBe('ok');
        expect(await outcome(kind, s.port, undefined), s.name).toMatch(/^refused: .*certificate/);
      }
    });
  }

  it('/varz tls fields agree', async () => {
    const varz = (port: number) => fetch(`http://127.0.0.1:${port}/varz`).then((r) => r.json() as Promise<Record<string, unknown>>);
    const [a, b] = await Promise.all(pair.servers.map((s) => varz(s.http)));
    if (!a || !b) throw new Error('expected two servers');
    for (const k of ['tls_required', 'tls_verify', 'tls_timeout', 'auth_timeout']) expect(b[k], k).toEqual(a[k]);
  });
});

describe('max_connections under tls: the refusal is plain text after INFO, as nats-server', () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair('maxconn', `${tlsBlock('')}max_connections: 1\n`);
  });
  afterAll(() => pair.stop());

  it('the second client gets the same bytes after INFO from both', async () => {
    const after: string[] = [];
    for (const s of pair.servers) {
      const first = await clientKinds[0]!.connect({ servers: `127.0.0.1:${s.port}`, tls: { caFile: certs.ca } });
      await first.flush();
      const raw = await RawClient.open(s.port);
      await raw.waitClosed();
      after.push(raw.data.slice(raw.data.indexOf('\r\n') + 2));
      await first.close();
    }
    expect(after[0]).toBe("-ERR 'maximum connections exceeded'\r\n");
    expect(after[1]).toBe(after[0]);
  });
});

describe('allow_non_tls: same config, same behaviour as nats-server', () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair('nontls', `${tlsBlock('')}allow_non_tls: true\n`);
  });
  afterAll(() => pair.stop());

  it('INFO offers tls_available instead of tls_required on both', async () => {
    const infos: Record<string, unknown>[] = [];
    for (const s of pair.servers) {
      const raw = await RawClient.open(s.port);
      await raw.waitFor('\r\n');
      infos.push(JSON.parse(raw.data.slice(5, raw.data.indexOf('\r\n'))));
      raw.destroy();
    }
    expect(tlsInfoFields(infos[0]!)).toEqual({ tls_required: undefined, tls_verify: undefined, tls_available: true });
    expect(tlsInfoFields(infos[1]!)).toEqual(tlsInfoFields(infos[0]!));
  });

  for (const kind of clientKinds) {
    it(`${kind.name}: plain-text and TLS clients both work, on both; /connz tells them apart`, async () => {
      const versions: unknown[][] = [];
      for (const s of pair.servers) {
        // The clients take up tls_available unless told `tls: null`.
        expect(await outcome(kind, s.port, null, `plain-${kind.name}`), s.name).toBe('ok');
        expect(await outcome(kind, s.port, { caFile: certs.ca }, `tls-${kind.name}`), s.name).toBe('ok');
        const version = async (name: string) => {
          let v: unknown;
          await waitFor(
            async () => {
              const closed = await fetch(`http://127.0.0.1:${s.http}/connz?state=closed`).then((r) => r.json() as Promise<{ connections: any[] }>);
              const c = closed.connections.find((x) => x.name === name);
              v = c ? (c.tls_version ?? null) : undefined;
              return v !== undefined;
            },
            5_000,
            `${name} closed`,
          );
          return v;
        };
        versions.push([await version(`plain-${kind.name}`), await version(`tls-${kind.name}`)]);
      }
      expect(versions[0]![0]).toBeNull();
      expect(versions[0]![1]).toMatch(/^1\.[23]$/);
      expect(versions[1]).toEqual(versions[0]);
    });
  }

  it('a raw plain-text client gets the same answers from both', async () => {
    const answers: string[] = [];
    for (const s of pair.servers) {
      const raw = await RawClient.open(s.port);
      await raw.waitFor('\r\n');
      raw.send('CONNECT {"verbose":true}\r\nPING\r\n');
      await raw.waitFor('PONG\r\n');
      answers.push(raw.data.slice(raw.data.indexOf('\r\n') + 2));
      raw.destroy();
    }
    expect(answers[0]).toBe('+OK\r\nPONG\r\n');
    expect(answers[1]).toBe(answers[0]);
  });
});

describe('tls verify: same config, same behaviour as nats-server', () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair('verify', tlsBlock('verify: true'));
  });
  afterAll(() => pair.stop());

  it('INFO says tls_verify on both', async () => {
    const [a, b] = await Promise.all(pair.servers.map((s) => plainTextClient(s.port)));
    expect(tlsInfoFields(b!.info)).toEqual(tlsInfoFields(a!.info));
    expect(b!.info.tls_verify).toBe(true);
  });

  for (const kind of clientKinds) {
    it(`${kind.name}: trusted client certificate ok, none or an untrusted one refused, on both`, async () => {
      for (const s of pair.servers) {
        expect(await outcome(kind, s.port, { caFile: certs.ca, certFile: certs.aliceCert, keyFile: certs.aliceKey }), s.name).toBe('ok');
        expect(await outcome(kind, s.port, { caFile: certs.ca }), s.name).toMatch(/^refused/);
        expect(await outcome(kind, s.port, { caFile: certs.ca, certFile: certs.rogueCert, keyFile: certs.rogueKey }), s.name).toMatch(/^refused/);
      }
    });
  }
});

describe('verify_and_map: same config, same users as nats-server', () => {
  let pair: Pair;
  beforeAll(async () => {
    const users = `authorization {\n  users = [\n    { user: "alice@example.com" }\n    { user: "O=Acme, CN=bob, OU=ops" }\n  ]\n}\n`;
    pair = await startPair('map', tlsBlock('verify_and_map: true') + users);
  });
  afterAll(() => pair.stop());

  for (const kind of clientKinds) {
    it(`${kind.name}: email SAN and reordered DN map to users; an unknown certificate is refused, on both`, async () => {
      for (const s of pair.servers) {
        expect(await outcome(kind, s.port, { caFile: certs.ca, certFile: certs.aliceCert, keyFile: certs.aliceKey }), s.name).toBe('ok');
        expect(await outcome(kind, s.port, { caFile: certs.ca, certFile: certs.bobCert, keyFile: certs.bobKey }), s.name).toBe('ok');
        expect(await outcome(kind, s.port, { caFile: certs.ca, certFile: certs.carolCert, keyFile: certs.carolKey }), s.name).toMatch(
          /^refused: .*authorization violation/i,
        );
      }
    });
  }

  it('/connz?auth=1 shows the mapped user on both', async () => {
    const names: string[][] = [];
    for (const s of pair.servers) {
      const nc = await clientKinds[0]!.connect({
        servers: `127.0.0.1:${s.port}`,
        tls: { caFile: certs.ca, certFile: certs.bobCert, keyFile: certs.bobKey },
        name: 'mapped',
      });
      await nc.flush();
      const connz = (await fetch(`http://127.0.0.1:${s.http}/connz?auth=1`).then((r) => r.json())) as { connections: any[] };
      names.push(connz.connections.filter((c: any) => c.name === 'mapped').map((c: any) => c.authorized_user));
      await nc.close();
    }
    expect(names[0]).toEqual(['O=Acme, CN=bob, OU=ops']);
    expect(names[1]).toEqual(names[0]);
  });

  it('/connz?auth=1 describes the client certificate as nats-server does (tls_peer_certs)', async () => {
    const certsSeen: unknown[] = [];
    for (const s of pair.servers) {
      const nc = await clientKinds[1]!.connect({
        servers: `127.0.0.1:${s.port}`,
        tls: { caFile: certs.ca, certFile: certs.aliceCert, keyFile: certs.aliceKey },
        name: 'peer',
      });
      await nc.flush();
      const connz = (await fetch(`http://127.0.0.1:${s.http}/connz?auth=1`).then((r) => r.json())) as { connections: any[] };
      certsSeen.push(connz.connections.find((c: any) => c.name === 'peer')?.tls_peer_certs);
      await nc.close();
    }
    // The client sends its certificate and the CA; nats-server lists what was sent.
    expect(certsSeen[0]).toEqual([expect.objectContaining({ subject: 'CN=alice,OU=dev,O=Acme' }), expect.objectContaining({ subject: 'CN=ca' })]);
    expect(certsSeen[1]).toEqual(certsSeen[0]);
  });
});
