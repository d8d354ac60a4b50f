import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultClusterOptions } from '@switchboard/server';
import { freePort, RawClient, startNatsServer, type RunningServer } from '@switchboard/testing';
import { startBroker, type Broker } from '../src/broker.js';

// The route handshake and interest propagation seen from a hand-driven route peer, against
// nats-server 2.9 and the broker: same bytes where they are observable (RS+/RS-, RMSG/HMSG,
// error texts), same INFO fields where values are server-specific.

interface Target {
  name: string;
  clientPort: number;
  clusterPort: number;
}

let ns: RunningServer;
let broker: Broker;
const targets: Target[] = [];

beforeAll(async () => {
  const nsCluster = await freePort();
  ns = await startNatsServer({ config: `cluster { name: diff, listen: "127.0.0.1:${nsCluster}" }\n` });
  broker = await startBroker({ host: '127.0.0.1', port: 0, cluster: { ...defaultClusterOptions(), name: 'diff', host: '127.0.0.1', port: -1 } });
  targets.push(
    { name: 'nats-server', clientPort: ns.port, clusterPort: nsCluster },
    { name: 'broker', clientPort: broker.port, clusterPort: broker.clusterPort },
  );
});
afterAll(async () => {
  await broker?.close();
  await ns?.stop();
});

const PEER_ID = 'NPEERPEERPEERPEERPEERPEERPEERPEERPEERPEERPEERPEERPEERPEE';
const peerConnect = (cluster = 'diff') =>
  `CONNECT {"echo":true,"verbose":false,"pedantic":false,"tls_required":false,"headers":true,"name":"${PEER_ID}","cluster":"${cluster}","lnoc":true}\r\n`;
const peerInfo = (port: number) =>
  `INFO {"server_id":"${PEER_ID}","server_name":"peer","version":"2.9.10","proto":1,"go":"go1.19","host":"127.0.0.1","port":${port},"headers":true,"max_payload":1048576,"cluster":"diff","lnoc":true}\r\n`;

/** Lines a route peer got, without PINGs and INFOs (those carry server-specific values). */
const protoLines = (text: string): string[] => text.split('\r\n').filter((l) => l !== '' && l !== 'PING' && !l.startsWith('INFO '));

async function peer(t: Target): Promise<RawClient> {
  const r = await RawClient.open(t.clusterPort);
  await r.until(() => r.text().includes('\r\n'), 5_000);
  r.send(peerConnect() + peerInfo(1));
  return r;
}

async function client(t: Target, lines: string): Promise<RawClient> {
  const c = await RawClient.open(t.clientPort);
  c.send(`CONNECT {"verbose":false,"pedantic":false,"headers":true,"protocol":1}\r\n${lines}PING\r\n`);
  await c.until(() => c.text().includes('PONG\r\n'), 5_000);
  return c;
}

/** Runs the same script on both servers (`before` ahead of the route peer) and returns what the peer saw on each. */
async function both(script: (t: Target, p: RawClient) => Promise<void>, before?: (t: Target) => Promise<void>): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of targets) {
    await before?.(t);
    const p = await peer(t);
    await p.until(() => p.text().split('\r\n').length > 1, 2_000);
    await script(t, p);
    out[t.name] = protoLines(p.text());
    p.destroy();
  }
  return out;
}

describe('route handshake and interest, broker vs nats-server', () => {
  it('the accepting side sends INFO first with the same fields', async () => {
    const keys: Record<string, string[]> = {};
    for (const t of targets) {
      const r = await RawClient.open(t.clusterPort);
      await r.until(() => r.text().includes('\r\n'), 5_000);
      const line = r.text().split('\r\n')[0]!;
      expect(line.startsWith('INFO {')).toBe(true);
      const info = JSON.parse(line.slice(5)) as Record<string, unknown>;
      expect(info.cluster).toBe('diff');
      expect(info.lnoc).toBe(true);
      keys[t.name] = Object.keys(info)
        .filter((k) => !['git_commit', 'jetstream', 'connect_urls'].includes(k))
        .sort();
      r.destroy();
    }
    expect(keys.broker).toEqual(keys['nats-server']);
  });

  it('sends existing interest when a route registers, then changes: plain once, queue weights', async () => {
    // The first client's interest exists before the peer connects: sent when the route registers
    // (subscribing after the peer connected raced its registration, and so the order of the lines).
    let a: RawClient;
    const seen = await both(
      async (t, p) => {
        await p.until(() => p.text().includes('RS+ $G d.q grp 1') && p.text().includes('RS+ $G d.plain'), 5_000);
        const b = await client(t, 'SUB d.plain 1\r\nSUB d.q grp 2\r\n');
        await p.until(() => p.text().includes('RS+ $G d.q grp 2'), 5_000);
        b.send('UNSUB 2\r\nPING\r\n');
        await p.until(() => (p.text().match(/RS\+ \$G d\.q grp 1/g) ?? []).length === 2, 5_000);
        a.destroy();
        b.destroy();
        await p.until(() => p.text().includes('RS- $G d.q grp'), 5_000);
        await p.until(() => p.text().includes('RS- $G d.plain'), 5_000);
      },
      async (t) => {
        a = await client(t, 'SUB d.plain 1\r\nSUB d.q grp 2\r\n');
      },
    );
    // The interest sent at registration comes in no defined order (nats-server walks its sublist),
    // nor do the last client's subscriptions at its close; the changes in between in order.
    const pick = (ls: string[]) => {
      const d = ls.filter((l) => l.includes(' d.'));
      return [...d.slice(0, 2).sort(), ...d.slice(2, 4), ...d.slice(4).sort()];
    };
    expect(pick(seen.broker!)).toEqual(pick(seen['nats-server']!));
  });

  it('forwards a client message as RMSG/HMSG with account, reply and queue forms', async () => {
    const seen = await both(async (t, p) => {
      p.send('RS+ $G r.plain\r\nRS+ $G r.q workers 1\r\nPING\r\n');
      await p.until(() => p.text().includes('PONG'), 5_000);
      const c = await client(
        t,
        'PUB r.plain 2\r\nhi\r\nPUB r.plain _INBOX.1 2\r\nhi\r\nPUB r.q 2\r\nhi\r\nPUB r.q rep 2\r\nhi\r\nHPUB r.plain 12 14\r\nNATS/1.0\r\n\r\nhi\r\n',
      );
      await p.until(() => p.text().includes('NATS/1.0'), 5_000);
      c.destroy();
    });
    const pick = (ls: string[]) => ls.filter((l) => /^(RMSG|HMSG|hi|NATS)/.test(l));
    expect(pick(seen.broker!)).toEqual(pick(seen['nats-server']!));
    expect(pick(seen.broker!)).toContain('RMSG $G r.q | workers 2');
  });

  it('delivers what a route sends to local clients (queue groups only as named)', async () => {
    const got: Record<string, string> = {};
    for (const t of targets) {
      const c = await client(t, 'SUB in.x 1\r\nSUB in.x grp 2\r\n');
      const p = await peer(t);
      await p.until(() => p.text().includes('RS+ $G in.x grp'), 5_000);
      p.send('RMSG $G in.x 1\r\na\r\nRMSG $G in.x | grp 1\r\nb\r\nRMSG $G in.x + rep grp 1\r\nc\r\n');
      await c.until(() => c.text().includes('c\r\n'), 5_000);
      got[t.name] = c
        .text()
        .split('\r\n')
        .filter((l) => /^MSG|^[abc]$/.test(l))
        .join('|');
      c.destroy();
      p.destroy();
    }
    expect(got.broker).toEqual(got['nats-server']);
  });

  it('rejects a peer of another cluster with the same text', async () => {
    const errs: Record<string, string> = {};
    for (const t of targets) {
      const r = await RawClient.open(t.clusterPort);
      await r.until(() => r.text().includes('\r\n'), 5_000);
      r.send(peerConnect('other'));
      await r.until(() => r.text().includes('-ERR'), 5_000);
      errs[t.name] = r
        .text()
        .split('\r\n')
        .find((l) => l.startsWith('-ERR'))!;
      r.destroy();
    }
    expect(errs.broker).toBe(errs['nats-server']);
  });
});
