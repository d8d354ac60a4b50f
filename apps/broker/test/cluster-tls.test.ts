// TLS on routes as nats-server 2.9 runs it: the handshake right after the TCP connect, before
// any INFO or CONNECT, both sides presenting the cluster certificate and verifying the other's
// against ca_file (verify is implied). Brokers and /usr/sbin/nats-server in one TLS cluster both
// ways round (gossiped routes dialled with TLS too), official clients publishing across, and a
// peer whose certificate comes from another CA refused on either side. Every config here is also
// given to `nats-server -t`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigFile } from '@switchboard/config';
import { optionsFromConfig } from '@switchboard/server';
import { type CertSet, freePort, makeCerts, type RunningServer, type ServerKind, startServer, waitFor } from '@switchboard/testing';
import { natsServerVerdict, ourVerdict } from './config-verdict.js';
import { bytes, take, text } from './helpers.js';

let certs: CertSet;
const stops: (() => Promise<void>)[] = [];
const conns: NatsConnection[] = [];
beforeAll(() => {
  certs = makeCerts();
});
afterAll(async () => {
  await Promise.allSettled(conns.map((c) => c.close()));
  await Promise.allSettled(stops.reverse().map((s) => s()));
  certs.remove();
});

interface Member {
  kind: ServerKind;
  server: RunningServer;
  clusterPort: number;
  httpPort: number;
  varz(): Promise<Record<string, unknown>>;
  routez(): Promise<{ num_routes: number; routes: { remote_id: string }[] }>;
}

interface TlsFiles {
  cert: string;
  key: string;
  ca: string;
}

/** `mapTo`: verify_and_map, with the cluster authorization user a peer's certificate must name. */
function clusterConfig(name: string, clusterPort: number, httpPort: number, routes: number[], tls: TlsFiles, host = '127.0.0.1', mapTo?: string): string {
  const list = routes.map((p) => `"nats-route://${host}:${p}"`).join(', ');
  const map = mapTo === undefined ? '' : ', verify_and_map: true';
  return (
    `server_name: ${name}\nhttp: ${httpPort}\n` +
    `cluster {\n  name: sec\n  listen: "127.0.0.1:${clusterPort}"\n  routes: [${list}]\n` +
    `  tls { cert_file: "${tls.cert}", key_file: "${tls.key}", ca_file: "${tls.ca}", timeout: 2${map} }\n` +
    (mapTo === undefined ? '' : `  authorization { user: "${mapTo}" }\n`) +
    '}\n'
  );
}

async function member(kind: ServerKind, name: string, routes: number[], tls?: TlsFiles, host?: string, mapTo?: string): Promise<Member> {
  const clusterPort = await freePort();
  const httpPort = await freePort();
  const config = clusterConfig(name, clusterPort, httpPort, routes, tls ?? { cert: certs.nodeCert, key: certs.nodeKey, ca: certs.ca }, host, mapTo);
  const server = await startServer(kind, { config });
  stops.push(() => server.stop());
  const get = async <T>(path: string): Promise<T> => (await (await fetch(`http://127.0.0.1:${httpPort}${path}`)).json()) as T;
  return { kind, server, clusterPort, httpPort, varz: () => get('/varz'), routez: () => get('/routez') };
}

async function routes(m: Member, n: number): Promise<void> {
  await waitFor(async () => (await m.routez().catch(() => null))?.num_routes === n, 20_000, `${m.kind} ${m.server.port} with ${n} route(s)`);
}

async function open(m: Member): Promise<NatsConnection> {
  const nc = await connect({ port: m.server.port });
  conns.push(nc);
  return nc;
}

/** Publishes on `from` until `to` gets one (interest takes a moment to cross the route). */
async function crosses(from: NatsConnection, to: NatsConnection, subject: string): Promise<string> {
  const sub = to.subscribe(subject);
  await to.flush();
  const got = take(sub, 1, 10_000);
  let n = 0;
  const timer = setInterval(() => from.publish(subject, bytes(`m${n++}`)), 100);
  try {
    return text((await got)[0]!.data);
  } finally {
    clearInterval(timer);
    sub.unsubscribe();
  }
}

/** The route INFO a peer sees once its TLS handshake is done (a route INFO comes only over TLS). */
async function routeInfo(port: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port, ca: readFileSync(certs.ca), cert: readFileSync(certs.nodeCert), key: readFileSync(certs.nodeKey) });
    let data = '';
    s.on('data', (d: Buffer) => {
      data += d.toString();
      const end = data.indexOf('\r\n');
      if (end < 0) return;
      s.destroy();
      resolve(JSON.parse(data.slice(5, end)) as Record<string, unknown>);
    });
    s.on('error', reject);
  });
}

describe('a broker in a TLS cluster of nats-servers', () => {
  it('joins over TLS (gossip included); messages cross both ways; INFO and /varz cluster say what nats-server says', async () => {
    const ns1 = await member('nats-server', 'ns1', []);
    const ns2 = await member('nats-server', 'ns2', [ns1.clusterPort]);
    const b = await member('broker', 'b1', [ns1.clusterPort]);
    // The broker names only ns1; ns2 is gossiped and dialled with TLS as well.
    await Promise.all([routes(b, 2), routes(ns1, 2), routes(ns2, 2)]);

    const onB = await open(b);
    const onNs2 = await open(ns2);
    expect(await crosses(onB, onNs2, 'sec.a')).toMatch(/^m/);
    expect(await crosses(onNs2, onB, 'sec.b')).toMatch(/^m/);
    onNs2.subscribe('sec.echo', { callback: (_e, m) => m.respond(bytes(`pong:${text(m.data)}`)) });
    await onNs2.flush();
    // The responder's interest crosses the route first: ask until it is there.
    let answer = '';
    await waitFor(
      async () => {
        const m = await onB.request('sec.echo', bytes('ping'), { timeout: 2_000 }).catch(() => null);
        answer = m ? text(m.data) : '';
        return m !== null;
      },
      10_000,
      'a reply across the TLS route',
    );
    expect(answer).toBe('pong:ping');

    const [ours, theirs] = await Promise.all([routeInfo(b.clusterPort), routeInfo(ns1.clusterPort)]);
    for (const k of ['tls_required', 'tls_verify', 'auth_required']) expect(ours[k], k).toEqual(theirs[k]);
    expect(ours.tls_required).toBe(true);
    const [vb, vn] = await Promise.all([b.varz(), ns1.varz()]);
    const keys = ['tls_required', 'tls_verify', 'tls_timeout', 'auth_timeout'];
    const pick = (v: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(keys.map((k) => [k, (v.cluster as Record<string, unknown>)[k]]));
    expect(pick(vb)).toEqual(pick(vn));
    expect(pick(vb)).toEqual({ tls_required: true, tls_verify: true, tls_timeout: 2, auth_timeout: 3 });
  });
});

describe('a nats-server in a TLS cluster of brokers', () => {
  it('joins over TLS, by host name (checked against the certificate), and learns the other broker by gossip', async () => {
    const b1 = await member('broker', 'b1', []);
    const b2 = await member('broker', 'b2', [b1.clusterPort]);
    const ns = await member('nats-server', 'ns', [b1.clusterPort], undefined, 'localhost');
    await Promise.all([routes(b1, 2), routes(b2, 2), routes(ns, 2)]);
    const onNs = await open(ns);
    const onB2 = await open(b2);
    expect(await crosses(onNs, onB2, 'sec.c')).toMatch(/^m/);
    expect(await crosses(onB2, onNs, 'sec.d')).toMatch(/^m/);
  });
});

describe('a peer whose certificate another CA signed', () => {
  it('a broker refuses a nats-server route with it (and the route never registers)', async () => {
    const b = await member('broker', 'b1', []);
    // The nats-server trusts our CA, so only the broker's check can stop the route.
    const ns = await member('nats-server', 'rogue', [b.clusterPort], { cert: certs.rogueNodeCert, key: certs.rogueNodeKey, ca: certs.ca });
    // Go's client sends no certificate when its own was not signed by a CA our request names.
    await waitFor(() => /TLS route handshake error: tls: client didn't provide a certificate/.test(b.server.log()), 20_000, 'the broker refusing the route');
    expect((await b.routez()).num_routes).toBe(0);
    expect((await ns.routez()).num_routes).toBe(0);
  });

  it('a broker refuses a broker route with it (the certificate is sent, and fails verification)', async () => {
    const b1 = await member('broker', 'b1', []);
    const b2 = await member('broker', 'rogue', [b1.clusterPort], { cert: certs.rogueNodeCert, key: certs.rogueNodeKey, ca: certs.ca });
    await waitFor(() => /TLS route handshake error: tls: failed to verify client certificate/.test(b1.server.log()), 20_000, 'the broker refusing the route');
    expect((await b1.routez()).num_routes).toBe(0);
    expect((await b2.routez()).num_routes).toBe(0);
  });

  it('a nats-server refuses a broker route with it', async () => {
    const ns = await member('nats-server', 'ns', []);
    const b = await member('broker', 'rogue', [ns.clusterPort], { cert: certs.rogueNodeCert, key: certs.rogueNodeKey, ca: certs.ca });
    await waitFor(() => /TLS route handshake error/.test(ns.server.log()), 20_000, 'nats-server refusing the certificate');
    expect((await ns.routez()).num_routes).toBe(0);
    expect((await b.routez()).num_routes).toBe(0);
  });

  it('a broker dialling a nats-server with it refuses the server certificate (unknown authority)', async () => {
    const ns = await member('nats-server', 'rogue', [], { cert: certs.rogueNodeCert, key: certs.rogueNodeKey, ca: certs.ca });
    const b = await member('broker', 'b1', [ns.clusterPort]);
    await waitFor(
      () => /TLS route handshake error: x509: certificate signed by unknown authority/.test(b.server.log()),
      20_000,
      'the broker refusing the server certificate',
    );
    expect((await b.routez()).num_routes).toBe(0);
  });
});

describe.each([
  ['broker', 'nats-server'],
  ['nats-server', 'broker'],
] as [ServerKind, ServerKind][])('verify_and_map: a %s accepting routes from a %s', (kind, peerKind) => {
  it("takes a route whose certificate names the cluster's user, refuses one that does not", async () => {
    // The node certificate names DNS:localhost; the stranger's is as good for TLS (IP:127.0.0.1) but names no user.
    const stranger = certs.issue(
      `stranger-${kind}`,
      '/CN=stranger',
      'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:stranger,IP:127.0.0.1\n',
    );
    const a = await member(kind, 'a', [], undefined, undefined, 'localhost');
    const friend = await member(peerKind, 'friend', [a.clusterPort]);
    await Promise.all([routes(a, 1), routes(friend, 1)]);
    const other = await member(peerKind, 'stranger', [a.clusterPort], { ...stranger, ca: certs.ca });
    await waitFor(() => other.server.log().includes('Authorization Violation'), 20_000, 'the stranger refused');
    expect((await a.routez()).num_routes).toBe(1);
    expect((await other.routez()).num_routes).toBe(0);
    // Messages cross the mapped route.
    expect(await crosses(await open(friend), await open(a), 'sec.map')).toMatch(/^m/);
  });
});

describe('cluster { tls { } } as a config', () => {
  it('accepted as nats-server accepts it; bad files refused by both; what is refused here only says why', () => {
    const write = (name: string, body: string): string => {
      const f = join(certs.dir, `${name}.conf`);
      writeFileSync(f, `cluster { name: c, listen: "127.0.0.1:6333", tls { ${body} } }\n`);
      return f;
    };
    const good = write('route-tls', `cert_file: "${certs.nodeCert}", key_file: "${certs.nodeKey}", ca_file: "${certs.ca}", verify: false, timeout: 0.5`);
    expect(natsServerVerdict(good).ok).toBe(true);
    expect(ourVerdict(good)).toEqual({ ok: true, reason: '' });
    const opts = optionsFromConfig(parseConfigFile(good)).options;
    // verify is implied for routes, as nats-server's getTLSConfig forces it; auth waits past the handshake.
    expect(opts.cluster?.tls).toMatchObject({ verify: true, timeout: 500 });
    expect(opts.cluster?.authTimeout).toBe(1.5);

    const missing = write('route-tls-missing', `cert_file: "${certs.dir}/nope.pem", key_file: "${certs.nodeKey}"`);
    expect(natsServerVerdict(missing)).toMatchObject({ ok: false, reason: expect.stringContaining('no such file or directory') });
    expect(ourVerdict(missing)).toMatchObject({ ok: false, reason: expect.stringContaining('no such file or directory') });

    const noCert = write('route-tls-nocert', `ca_file: "${certs.ca}"`);
    expect(natsServerVerdict(noCert).ok).toBe(true); // nats-server starts, then every handshake fails
    expect(ourVerdict(noCert).reason).toBe('cluster tls: cert_file and key_file are required (each route is TLS server and client)');

    const map = write('route-tls-map', `cert_file: "${certs.nodeCert}", key_file: "${certs.nodeKey}", verify_and_map: true`);
    expect(natsServerVerdict(map).ok).toBe(true);
    expect(ourVerdict(map).ok).toBe(true);
  });
});
