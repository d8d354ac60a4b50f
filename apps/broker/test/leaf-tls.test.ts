// TLS on the leaf port as nats-server 2.9 runs it (INFO in plain text with tls_required, then
// the handshake): a nats-server leaf connects to a broker hub over TLS and messages flow; a
// broker refuses to start a remote that asks for TLS (not implemented yet) instead of going plain.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, StringCodec } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient, REPO_ROOT, TSX_NODE_ARGS, waitFor } from '@switchboard/testing';
import { makeCerts, type CertSet } from './tls-certs.js';
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

  it('a broker refuses to start a remote that asks for TLS (not supported yet) rather than connect in plain text', () => {
    const file = join(certs.dir, 'leaf-tls-remote.conf');
    writeFileSync(file, `port: -1\nleafnodes { remotes: [ { url: "tls://127.0.0.1:7422" } ] }\n`);
    const r = spawnSync(process.execPath, [...TSX_NODE_ARGS, join(REPO_ROOT, 'apps/broker/src/main.ts'), '-c', file], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).toContain('TLS on leafnode remotes is not supported by this broker yet');
  });
});
