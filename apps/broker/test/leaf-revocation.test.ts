// A leaf connection authenticated by a user JWT is one of the account's connections (as in
// nats-server): a new account JWT that revokes the user cuts it with nats-server's error, and the
// leaf (a nats-server here) cannot come back with those credentials.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeAccount, encodeOperator } from '@nats-io/jwt';
import { createAccount, createOperator } from '@nats-io/nkeys';
import { formatCreds } from '@switchboard/nats-jwt';
import { connect, credsAuthenticator, StringCodec } from 'nats';
import { afterAll, describe, expect, it } from 'vitest';
import { nowSec, operatorModeConfig, UNLIMITED, user, waitFor, type Cred } from '@switchboard/testing';
import { startHub, startLeaf, waitLeafs, type Node } from './leaf-helpers.js';

const sc = StringCodec();
const dir = mkdtempSync(join(tmpdir(), 'sb-leafrev-'));
const running: Node[] = [];
afterAll(async () => {
  await Promise.allSettled(running.map((n) => n.stop()));
  rmSync(dir, { recursive: true, force: true });
});
const creds = (c: Cred): string => formatCreds(c.jwt, new TextDecoder().decode(c.key.getSeed()));

describe('revoking a leaf user', () => {
  it('cuts its leaf connection on the hub with -ERR User Authentication Revoked; it stays out', async () => {
    const operator = createOperator();
    const sys = createAccount();
    const tenant = createAccount();
    const T = tenant.getPublicKey();
    const leafUser = await user('leaf', tenant);
    const sysUser = await user('sys', sys);
    const file = join(dir, 'leaf.creds');
    writeFileSync(file, creds(leafUser));
    const config = operatorModeConfig({
      operatorJwt: await encodeOperator('OP', operator, { system_account: sys.getPublicKey() }),
      systemAccount: sys.getPublicKey(),
      resolver: 'resolver: MEMORY',
      preload: {
        [sys.getPublicKey()]: await encodeAccount('SYS', sys, { limits: UNLIMITED }, { signer: operator }),
        [T]: await encodeAccount('T', tenant, { limits: UNLIMITED }, { signer: operator }),
      },
    });
    const hub = await startHub('broker', { extra: config });
    running.push(hub);
    const leaf = await startLeaf('nats-server', [`url: "nats-leaf://127.0.0.1:${hub.leafPort}", credentials: "${file}"`]);
    running.push(leaf);
    await Promise.all([waitLeafs(hub, 1), waitLeafs(leaf, 1)]);

    const admin = await connect({ servers: hub.server.url, authenticator: credsAuthenticator(new TextEncoder().encode(creds(sysUser))) });
    try {
      const update = await encodeAccount('T', tenant, { limits: UNLIMITED, revocations: { [leafUser.key.getPublicKey()]: nowSec() } }, { signer: operator });
      const r = await admin.request(`$SYS.REQ.ACCOUNT.${T}.CLAIMS.UPDATE`, sc.encode(update), { timeout: 5_000 });
      expect(JSON.parse(sc.decode(r.data))).toMatchObject({ data: { code: 200 } });
    } finally {
      await admin.close();
    }
    await waitFor(() => leaf.server.log().includes('User Authentication Revoked'), 10_000, 'the leaf to hear of its revocation');
    await waitLeafs(hub, 0);
    // The leaf keeps trying with the revoked credentials and is refused each time.
    await waitFor(() => leaf.server.log().includes('Authorization Violation'), 10_000, 'a refused reconnect');
    expect((await hub.leafz()).leafnodes).toBe(0);
  });
});
