import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeAccount, encodeOperator, encodeUser } from '@nats-io/jwt';
import { createAccount, createOperator, createUser } from '@nats-io/nkeys';
import type { Endpoint } from '../conn.js';
import type { Scenario } from '../scenario.js';

// Connections authenticated per second in operator mode: both servers start from one config
// (an operator, a MEMORY resolver with the account preloaded); `concurrency` clients in a loop
// each connect, sign the INFO nonce with the user key, send CONNECT + PING, wait for PONG and
// close. Signing uses Node's native ed25519 so the generator stays cheap.

/** Shared by the setup (which writes the config) and run (which presents the user). */
let user: { jwt: string; key: KeyObject } | null = null;

export function auth(concurrency: number): Scenario {
  return {
    name: 'auth',
    description: `operator-mode connects (user JWT + nonce signature) completed per second, ${concurrency} at a time`,
    sized: false,
    byDefault: false,
    metrics: [{ name: 'conns/s', unit: 'conns/s', higherIsBetter: true }],
    async servers() {
      const dir = await mkdtemp(join(tmpdir(), 'sb-bench-auth-'));
      const operator = createOperator();
      const account = createAccount();
      const u = createUser();
      const limits = { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };
      const config = [
        `operator: ${await encodeOperator('OP', operator)}`,
        'resolver: MEMORY',
        `resolver_preload: { ${account.getPublicKey()}: ${await encodeAccount('A', account, { limits }, { signer: operator })} }`,
        '',
      ].join('\n');
      const file = join(dir, 'operator.conf');
      await writeFile(file, config);
      user = { jwt: await encodeUser('bench', u, account), key: ed25519Key(new TextDecoder().decode(u.getSeed())) };
      return { args: ['-c', file], dispose: () => rm(dir, { recursive: true, force: true }) };
    },
    async run(ep, _size, ctx) {
      if (user === null) throw new Error('auth scenario: servers() was not called');
      const u = user;
      let counting = false;
      let done = 0;
      let stop = false;
      const loop = async (): Promise<void> => {
        while (!stop) {
          await authenticateOnce(ep, u.jwt, u.key);
          if (counting) done++;
        }
      };
      const loops = Array.from({ length: concurrency }, loop);
      await sleep(ctx.timing.warmupMs);
      counting = true;
      const t0 = performance.now();
      await sleep(ctx.timing.measureMs);
      counting = false;
      const elapsed = (performance.now() - t0) / 1000;
      const n = done;
      stop = true;
      await Promise.all(loops);
      if (n === 0) throw new Error('no connection was authenticated');
      return { 'conns/s': n / elapsed };
    },
  };
}

/** One connect → INFO → CONNECT{jwt,sig} + PING → PONG → close. Rejects on anything else. */
function authenticateOnce(ep: Endpoint, jwt: string, key: KeyObject): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: ep.host, port: ep.port, noDelay: true });
    let buf = '';
    let sent = false;
    socket.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      if (!sent) {
        const end = buf.indexOf('\r\n');
        if (end < 0) return;
        const nonce = /"nonce":"([^"]+)"/.exec(buf.slice(0, end))?.[1];
        if (nonce === undefined) return fail(new Error('INFO without a nonce'));
        const sig = sign(null, Buffer.from(nonce), key).toString('base64url');
        socket.write(`CONNECT {"verbose":false,"pedantic":false,"protocol":1,"jwt":"${jwt}","sig":"${sig}"}\r\nPING\r\n`);
        sent = true;
        buf = buf.slice(end + 2);
      }
      if (buf.includes('PONG\r\n')) {
        socket.destroy();
        resolve();
      } else if (buf.includes('-ERR')) {
        fail(new Error(`refused: ${buf.trim().slice(0, 100)}`));
      }
    });
    socket.on('error', (e) => fail(e));
    socket.on('close', () => fail(new Error('closed before PONG')));
    function fail(e: Error): void {
      socket.destroy();
      reject(e);
    }
  });
}

/** A Node private key from an nkey seed ("SU…"): base32 → [2 prefix bytes, 32-byte seed, crc16]. */
function ed25519Key(seed: string): KeyObject {
  const raw = base32Decode(seed).subarray(2, 34);
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), raw]);
  return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
}

function base32Decode(s: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of s) {
    value = (value << 5) | alphabet.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
