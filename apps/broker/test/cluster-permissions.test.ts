// Route permissions, `cluster { permissions { import, export } }`, as nats-server 2.9 applies them:
// both only filter interest. Import: a node sends the routes its interest only in subjects it may
// import (so nothing else comes in); export: it takes a peer's interest only in subjects it may
// export (so nothing else goes out), and once the peer holds a wildcard over an export deny,
// each message is checked. The node with permissions is each kind in turn, its peer the other
// kind (and a broker pair), with the same expectations; the config is checked against `nats-server -t`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, StringCodec, type NatsConnection, type Subscription } from 'nats';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfigFile } from '@switchboard/config';
import { optionsFromConfig } from '@switchboard/server';
import { freePort, RawClient, startServer, waitFor, type RunningServer, type ServerKind } from '@switchboard/testing';
import { natsServerVerdict, ourVerdict } from './config-verdict.js';

const sc = StringCodec();
const dir = mkdtempSync(join(tmpdir(), 'sb-routeperms-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PERMISSIONS =
  'permissions { import: { allow: ["in.>", "_INBOX.>"], deny: ["in.secret"] }, export: { allow: ["out.>", "_INBOX.>"], deny: ["out.secret"] } }';

const configCases: [string, string][] = [
  ['import and export', `cluster { port: 6333, ${PERMISSIONS} }`],
  ['publish and subscribe', 'cluster { port: 6333, permissions { publish: "foo", subscribe: { deny: "x" } } }'],
  ['a queue entry', 'cluster { port: 6333, permissions { import: "foo bar" } }'],
  ['dynamic responses', 'cluster { port: 6333, permissions { import: "foo", allow_responses: true } }'],
  ['unknown subject permission field', 'cluster { port: 6333, permissions { import: { allow: "foo", what: 1 } } }'],
  ['unknown permissions field', 'cluster { port: 6333, permissions { bogus: 1 } }'],
  ['not a map', 'cluster { port: 6333, permissions: "foo" }'],
];

describe('cluster permissions against nats-server -t', () => {
  it.each(configCases)('%s', (name, text) => {
    const file = join(dir, `${name.replace(/ /g, '-')}.conf`);
    writeFileSync(file, `${text}\n`);
    const ref = natsServerVerdict(file);
    const got = ourVerdict(file);
    expect(got.ok).toBe(ref.ok);
    if (!ref.ok) expect(got.reason).toContain(ref.reason);
  });

  it('permissions inside authorization: the deprecation nats-server warns of (its -t fails on it), the block’s own win', () => {
    const file = join(dir, 'auth-permissions.conf');
    writeFileSync(file, 'cluster { port: 6333, authorization { user: a, password: b, permissions { import: "foo.>" } }, permissions { import: "bar" } }\n');
    const ref = natsServerVerdict(file);
    expect(ref.ok).toBe(false);
    const { options, warnings } = optionsFromConfig(parseConfigFile(file));
    expect(warnings).toContain(ref.reason);
    expect(options.cluster?.permissions).toEqual({ publish: { allow: ['bar'] } });
    writeFileSync(file, 'cluster { port: 6333, authorization { user: a, password: b, permissions { import: "foo.>" } } }\n');
    expect(optionsFromConfig(parseConfigFile(file)).options.cluster?.permissions).toEqual({ publish: { allow: ['foo.>'] } });
  });
});

const running: RunningServer[] = [];
const conns: NatsConnection[] = [];
afterAll(async () => {
  await Promise.allSettled(conns.map((c) => c.close()));
  await Promise.allSettled(running.map((s) => s.stop()));
});

async function node(kind: ServerKind, name: string, own: number, peer: number, extra: string): Promise<NatsConnection> {
  const s = await startServer(kind, {
    config: `server_name: ${name}\ncluster { name: perms, listen: "127.0.0.1:${own}", routes: ["nats-route://127.0.0.1:${peer}"]${extra} }\n`,
  });
  running.push(s);
  const nc = await connect({ port: s.port });
  conns.push(nc);
  return nc;
}

/** What `sub` receives, as `subject:data`. */
function collect(sub: Subscription): string[] {
  const got: string[] = [];
  void (async () => {
    for await (const m of sub) got.push(`${m.subject}:${sc.decode(m.data)}`);
  })();
  return got;
}

/** Publishes `subject` from `from` until `sub` (on the other node) has it: the interest crossed the route. */
async function untilThrough(from: NatsConnection, subject: string, got: string[]): Promise<void> {
  await waitFor(
    async () => {
      from.publish(subject, sc.encode('sync'));
      await from.flush();
      return got.length > 0;
    },
    15_000,
    `${subject} across the route`,
  );
}

describe.each([
  ['nats-server', 'broker'],
  ['broker', 'nats-server'],
  ['broker', 'broker'],
] as [ServerKind, ServerKind][])('%s with permissions, %s peer', (kind, peerKind) => {
  it('imports only what import allows; exports only what export allows, a wildcard over a deny filtered', { timeout: 60_000 }, async () => {
    const [px, pp] = [await freePort(), await freePort()];
    const x = await node(kind, 'X', px, pp, `, ${PERMISSIONS}`);
    const p = await node(peerKind, 'P', pp, px, '');

    // Import: subscribers on X, publisher on P.
    const inSubs = ['in.a', 'other.a', 'in.secret', 'in.*'];
    const inGot = Object.fromEntries(inSubs.map((s) => [s, collect(x.subscribe(s))]));
    const inSync = collect(x.subscribe('in.sync'));
    await x.flush();
    await untilThrough(p, 'in.sync', inSync);
    for (const s of ['in.a', 'other.a', 'in.secret', 'in.b']) p.publish(s, sc.encode('p'));
    const inEnd = collect(x.subscribe('in.end'));
    await x.flush();
    await untilThrough(p, 'in.end', inEnd);

    // Export: subscribers on P, publisher on X.
    const outSubs = ['out.a', 'other.b', 'out.secret', 'out.*'];
    const outGot = Object.fromEntries(outSubs.map((s) => [s, collect(p.subscribe(s))]));
    const outSync = collect(p.subscribe('out.sync'));
    await p.flush();
    await untilThrough(x, 'out.sync', outSync);
    for (const s of ['out.a', 'other.b', 'out.secret', 'out.b']) x.publish(s, sc.encode('x'));
    const outEnd = collect(p.subscribe('out.end'));
    await p.flush();
    await untilThrough(x, 'out.end', outEnd);

    // X never told P of other.a (not importable) nor in.secret (denied); its in.* went, and
    // what comes in is not filtered again: in.secret arrives through the wildcard's interest
    // and reaches X's in.secret subscriber too.
    expect(inGot['in.a']).toEqual(['in.a:p']);
    expect(inGot['other.a']).toEqual([]);
    expect(inGot['in.secret']).toEqual(['in.secret:p']);
    expect(inGot['in.*']!.filter((m) => !m.endsWith(':sync'))).toEqual(['in.a:p', 'in.secret:p', 'in.b:p']);
    // X ignored P's interest in other.b and out.secret; took out.* and then filters out.secret on it.
    expect(outGot['out.a']).toEqual(['out.a:x']);
    expect(outGot['other.b']).toEqual([]);
    expect(outGot['out.secret']).toEqual([]);
    expect(outGot['out.*']!.filter((m) => !m.endsWith(':sync'))).toEqual(['out.a:x', 'out.b:x']);

    // The route INFO tells a peer the permissions (nats-server's Info.Import/Export).
    const r = await RawClient.open(px);
    try {
      await r.until(() => r.text().includes('\r\n'), 5_000);
      const info = JSON.parse(r.text().slice('INFO '.length, r.text().indexOf('\r\n'))) as Record<string, unknown>;
      expect([info.import, info.export]).toEqual([
        { allow: ['in.>', '_INBOX.>'], deny: ['in.secret'] },
        { allow: ['out.>', '_INBOX.>'], deny: ['out.secret'] },
      ]);
    } finally {
      r.destroy();
    }
  });
});
