// TLS on leaf connections as nats-server 2.9 runs it: the hub sends INFO in plain text (with
// tls_required), then the leaf starts the handshake (when the hub requires it or its remote has
// a tls block / tls:// URL) and sends CONNECT over TLS. Both ways with nats-server: a nats-server
// leaf to a broker hub, a broker leaf to a nats-server hub, mutual TLS (verify) both ways, and
// certificates from a CA the other side does not trust refused.
import { connect, StringCodec } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CertSet, makeCerts, RawClient, waitFor } from '@switchboard/testing';
import { startHub, startLeaf, waitInterest, waitLeafs, type Node } from './leaf-helpers.js';

const sc = StringCodec();
let certs: CertSet;
const running: Node[] = [];
beforeAll(() => {
  certs = makeCerts();
});
afterAll(async () => {
  await Promise.allSettled(running.map((n) => n.stop()));
  certs.remove();
});

describe('leaf port with TLS', () => {
  it('a nats-server leaf connects to a broker hub over TLS; INFO says tls_required', async () => {
    const hub = await startHub('broker', { leafBlock: `tls { cert_file: "${certs.serverCert}", key_file: "${certs.serverKey}" }` });
    running.push(hub);
    const raw = await RawClient.open(hub.leafPort);
    await raw.waitFor('\r\n');
    expect(JSON.parse(raw.data.slice(5, raw.data.indexOf('\r\n')))).toMatchObject({ tls_required: true, auth_required: true });
    raw.destroy();
    const leaf = await startLeaf('nats-server', [`url: "tls://127.0.0.1:${hub.leafPort}", tls { ca_file: "${certs.ca}" }`]);
    running.push(leaf);
    await Promise.all([waitLeafs(hub, 1), waitLeafs(leaf, 1)]);
    const onLeaf = await connect({ servers: leaf.server.url });
    const onHub = await connect({ servers: hub.server.url });
    try {
      const got: string[] = [];
      onLeaf.subscribe('secure', { callback: (_e, m) => got.push(sc.decode(m.data)) });
      await onLeaf.flush();
      await waitInterest(hub, 'secure');
      onHub.publish('secure', sc.encode('over-tls'));
      await waitFor(() => got.length === 1, 10_000, 'the message over TLS');
      expect(got).toEqual(['over-tls']);
    } finally {
      await Promise.allSettled([onLeaf.close(), onHub.close()]);
    }
  });

  it('/varz leaf says tls_required, tls_verify and the longer auth timeout as nats-server does', async () => {
    const block = `tls { cert_file: "${certs.nodeCert}", key_file: "${certs.nodeKey}", ca_file: "${certs.ca}", verify: true }`;
    const hubs = await Promise.all([startHub('broker', { leafBlock: block }), startHub('nats-server', { leafBlock: block })]);
    running.push(...hubs);
    const [ours, theirs] = await Promise.all(
      hubs.map(async (h) => ((await (await fetch(`http://127.0.0.1:${h.httpPort}/varz`)).json()) as { leaf: object }).leaf),
    );
    expect(ours).toEqual({ ...theirs, port: hubs[0]!.leafPort });
    expect(ours).toMatchObject({ tls_required: true, tls_verify: true, auth_timeout: 3, tls_timeout: 2 });
  });
});

/** A message each way across the leaf connection: `hub` to `leaf` and back. */
async function bothWays(hub: Node, leaf: Node, subject: string): Promise<void> {
  const onLeaf = await connect({ servers: leaf.server.url });
  const onHub = await connect({ servers: hub.server.url });
  try {
    const got: string[] = [];
    onLeaf.subscribe(`${subject}.down`, { callback: (_e, m) => got.push(sc.decode(m.data)) });
    onHub.subscribe(`${subject}.up`, { callback: (_e, m) => got.push(sc.decode(m.data)) });
    await Promise.all([onLeaf.flush(), onHub.flush()]);
    await Promise.all([waitInterest(hub, `${subject}.down`), waitInterest(leaf, `${subject}.up`)]);
    onHub.publish(`${subject}.down`, sc.encode('to-leaf'));
    onLeaf.publish(`${subject}.up`, sc.encode('to-hub'));
    await waitFor(() => got.length === 2, 10_000, 'a message each way over TLS');
    expect(got.sort()).toEqual(['to-hub', 'to-leaf']);
  } finally {
    await Promise.allSettled([onLeaf.close(), onHub.close()]);
  }
}

describe('leaf remotes with TLS (the broker dialling)', () => {
  it('a broker leaf connects to a nats-server hub over TLS (tls:// and a tls block with the CA) and messages flow both ways', async () => {
    const hub = await startHub('nats-server', { leafBlock: `tls { cert_file: "${certs.nodeCert}", key_file: "${certs.nodeKey}" }` });
    running.push(hub);
    const leaf = await startLeaf('broker', [`url: "tls://127.0.0.1:${hub.leafPort}", tls { ca_file: "${certs.ca}" }`]);
    running.push(leaf);
    await Promise.all([waitLeafs(hub, 1), waitLeafs(leaf, 1)]);
    await bothWays(hub, leaf, 'tls1');
  });

  it('mutual TLS: a nats-server hub with verify takes the broker leaf certificate; so does a broker hub, from a broker and from a nats-server leaf', async () => {
    const block = `tls { cert_file: "${certs.nodeCert}", key_file: "${certs.nodeKey}", ca_file: "${certs.ca}", verify: true }`;
    const remote = (port: number): string =>
      `url: "nats-leaf://localhost:${port}", tls { cert_file: "${certs.nodeCert}", key_file: "${certs.nodeKey}", ca_file: "${certs.ca}" }`;
    const nsHub = await startHub('nats-server', { leafBlock: block });
    running.push(nsHub);
    const sbHub = await startHub('broker', { leafBlock: block, name: 'hub_sb' });
    running.push(sbHub);
    const sbLeaf = await startLeaf('broker', [remote(nsHub.leafPort), remote(sbHub.leafPort)]);
    running.push(sbLeaf);
    const nsLeaf = await startLeaf('nats-server', [remote(sbHub.leafPort)]);
    running.push(nsLeaf);
    await Promise.all([waitLeafs(nsHub, 1), waitLeafs(sbHub, 2), waitLeafs(sbLeaf, 2), waitLeafs(nsLeaf, 1)]);
    await bothWays(nsHub, sbLeaf, 'tls2');
    await bothWays(sbHub, nsLeaf, 'tls3');
  });

  it('a broker leaf refuses a hub whose certificate its CA did not sign', async () => {
    const hub = await startHub('nats-server', { leafBlock: `tls { cert_file: "${certs.rogueNodeCert}", key_file: "${certs.rogueNodeKey}" }` });
    running.push(hub);
    const leaf = await startLeaf('broker', [`url: "tls://127.0.0.1:${hub.leafPort}", tls { ca_file: "${certs.ca}" }`]);
    running.push(leaf);
    await waitFor(
      () => /TLS leafnode handshake error: x509: certificate signed by unknown authority/.test(leaf.server.log()),
      15_000,
      'the leaf refusing the hub',
    );
    expect((await leaf.leafz()).leafnodes).toBe(0);
    expect((await hub.leafz()).leafnodes).toBe(0);
  });

  it('a broker leaf without a tls block still starts TLS when the hub requires it, and checks the hub against the root CAs', async () => {
    // Our test CA is no root CA: the handshake happens (after the plain INFO) and the certificate is refused.
    const hub = await startHub('nats-server', { leafBlock: `tls { cert_file: "${certs.nodeCert}", key_file: "${certs.nodeKey}" }` });
    running.push(hub);
    const leaf = await startLeaf('broker', [`url: "nats-leaf://127.0.0.1:${hub.leafPort}"`]);
    running.push(leaf);
    await waitFor(() => /TLS leafnode handshake error: x509: certificate signed by unknown authority/.test(leaf.server.log()), 15_000, 'the leaf starting TLS');
    expect((await hub.leafz()).leafnodes).toBe(0);
  });

  it('a nats-server hub with verify refuses a broker leaf whose certificate another CA signed', async () => {
    const hub = await startHub('nats-server', {
      leafBlock: `tls { cert_file: "${certs.nodeCert}", key_file: "${certs.nodeKey}", ca_file: "${certs.ca}", verify: true }`,
    });
    running.push(hub);
    const leaf = await startLeaf('broker', [
      `url: "tls://127.0.0.1:${hub.leafPort}", tls { cert_file: "${certs.rogueNodeCert}", key_file: "${certs.rogueNodeKey}", ca_file: "${certs.ca}" }`,
    ]);
    running.push(leaf);
    await waitFor(() => /TLS leafnode handshake error/.test(hub.server.log()), 15_000, 'the hub refusing the leaf');
    expect((await hub.leafz()).leafnodes).toBe(0);
    expect((await leaf.leafz()).leafnodes).toBe(0);
  });
});
