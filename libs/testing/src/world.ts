// Test world for JWT propagation: an operator with a system account, the real nats-server fed by
// the full resolver, a fresh PostgreSQL database holding account rows, and a Redis key prefix of
// its own. Account JWTs are signed with our nats-jwt at strictly increasing times (the later-iat rule).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createAccount, createOperator, createUser, type KeyPair } from '@nats-io/nkeys';
import { connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import type { Database } from '@switchboard/db';
import { encode, formatCreds, newAccountClaims, newOperatorClaims, newUserClaims, type AccountClaims, type UserClaims } from '@switchboard/nats-jwt';
import { Redis } from 'ioredis';
import { fullResolver, operatorModeConfig } from './operator-config.js';
import { testDatabase, type TestDatabase } from './postgres.js';
import { dropRedisKeys, REDIS_URL, redisPrefix } from './redis.js';
import { startNatsServer, type RunningServer } from './servers.js';
const seedOf = (kp: KeyPair): string => new TextDecoder().decode(kp.getSeed());

export interface TestAccount {
  /** Absent for bulk accounts (no users are made for them). */
  kp: KeyPair | undefined;
  pub: string;
  claims: AccountClaims;
  jwt: string;
}

export class World {
  readonly operator = createOperator();
  readonly sys = createAccount();
  readonly operatorJwt: string;
  readonly systemJwt: string;
  readonly systemCreds: string;
  readonly systemUser = createUser();
  readonly systemUserJwt: string;
  readonly prefix = redisPrefix();
  private clock = Math.floor(Date.now() / 1000) - 3600;
  server!: RunningServer;
  fresh!: TestDatabase;
  db!: Database;
  redis!: Redis;
  operatorRow = '';
  private readonly extra: RunningServer[] = [];

  constructor() {
    const oc = newOperatorClaims(this.operator.getPublicKey(), 'op');
    oc.nats.system_account = this.sys.getPublicKey();
    this.operatorJwt = encode(oc, this.operator);
    this.systemJwt = encode(newAccountClaims(this.sys.getPublicKey(), 'SYS'), this.operator);
    this.systemUserJwt = encode(newUserClaims(this.systemUser.getPublicKey(), 'sys'), this.sys);
    this.systemCreds = formatCreds(this.systemUserJwt, seedOf(this.systemUser));
  }

  async start(): Promise<this> {
    [this.server, this.fresh] = await Promise.all([this.startServer(), testDatabase()]);
    this.db = this.fresh.db;
    const op = await this.db.prisma.operator.create({
      data: { name: 'op', publicKey: this.operator.getPublicKey(), seedEnc: Buffer.from('x'), jwt: this.operatorJwt },
    });
    this.operatorRow = op.id;
    // As the propagation queue connects (BullMQ wants no per-request retry limit).
    this.redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    return this;
  }

  /** Another nats-server trusting the same operator (extra brokers, restarts on a fixed port). */
  async startServer(port?: number): Promise<RunningServer> {
    const sys = this.sys.getPublicKey();
    const s = await startNatsServer({
      ...(port ? { port } : {}),
      // The full resolver accepts $SYS.REQ.CLAIMS.UPDATE from the system account.
      config: (dir) =>
        operatorModeConfig({
          operatorJwt: this.operatorJwt,
          systemAccount: sys,
          resolver: fullResolver(join(dir, 'jwt'), 'allow_delete: false, timeout: "200ms"'),
          preload: { [sys]: this.systemJwt },
        }),
    });
    this.extra.push(s);
    return s;
  }

  /** Seconds, strictly increasing: every JWT signed here is newer than the one before. */
  tick(): number {
    return ++this.clock;
  }

  sign(claims: AccountClaims): string {
    return encode(claims, this.operator, { now: this.tick() * 1000 });
  }

  /** An account row in the database with a freshly signed JWT. */
  async addAccount(name: string, edit: (c: AccountClaims) => void = () => {}): Promise<TestAccount> {
    const kp = createAccount();
    const claims = newAccountClaims(kp.getPublicKey(), name);
    edit(claims);
    const jwt = this.sign(claims);
    await this.db.prisma.account.create({
      data: { operatorId: this.operatorRow, name, publicKey: kp.getPublicKey(), seedEnc: Buffer.from('x'), jwt, jwtIssuedAt: new Date(this.clock * 1000) },
    });
    return { kp, pub: kp.getPublicKey(), claims, jwt };
  }

  /** Many accounts at once (benchmarks): signed here, inserted in chunks. */
  async addAccounts(count: number, name = 'bulk'): Promise<TestAccount[]> {
    const out: TestAccount[] = [];
    const now = this.tick();
    for (let i = 0; i < count; i++) {
      const pub = randomAccountKey();
      const claims = newAccountClaims(pub, `${name}-${i}`);
      out.push({ kp: undefined, pub, claims, jwt: encode(claims, this.operator, { now: now * 1000 }) });
    }
    for (let i = 0; i < out.length; i += 1000) {
      await this.db.prisma.account.createMany({
        data: out.slice(i, i + 1000).map((a) => ({
          operatorId: this.operatorRow,
          name: a.claims.name!,
          publicKey: a.pub,
          seedEnc: Buffer.from('x'),
          jwt: a.jwt,
          jwtIssuedAt: new Date(now * 1000),
        })),
      });
    }
    return out;
  }

  /** Re-signs the account with a change, as the control plane does, and stores it. */
  async updateAccount(a: TestAccount, edit: (c: AccountClaims) => void): Promise<string> {
    edit(a.claims);
    a.jwt = this.sign(a.claims);
    await this.db.prisma.account.update({ where: { publicKey: a.pub }, data: { jwt: a.jwt, jwtIssuedAt: new Date(this.clock * 1000) } });
    return a.jwt;
  }

  user(a: TestAccount, name: string, edit: (c: UserClaims) => void = () => {}): { pub: string; creds: string } {
    const kp = createUser();
    const c = newUserClaims(kp.getPublicKey(), name);
    edit(c);
    return { pub: kp.getPublicKey(), creds: formatCreds(encode(c, a.kp!, { now: this.tick() * 1000 }), seedOf(kp)) };
  }

  connectAs(creds: string, url = this.server.url): Promise<NatsConnection> {
    return connect({ servers: url, authenticator: credsAuthenticator(new TextEncoder().encode(creds)), reconnect: false, timeout: 5000 });
  }

  /**
   * The account JWT a broker holds, asked the way nats-server answers it ($SYS.REQ.ACCOUNT.<key>.CLAIMS.LOOKUP);
   * null when it has none (the full resolver does not answer lookups of accounts it lacks).
   */
  async brokerJwt(account: string, url = this.server.url): Promise<string | null> {
    const nc = await this.connectAs(this.systemCreds, url);
    try {
      return (await nc.request(`$SYS.REQ.ACCOUNT.${account}.CLAIMS.LOOKUP`, '', { timeout: 1000 })).string();
    } catch (e) {
      if (e instanceof Error && e.name === 'TimeoutError') return null;
      throw e;
    } finally {
      await nc.close();
    }
  }

  async close(): Promise<void> {
    if (this.redis) {
      await dropRedisKeys(this.prefix);
      this.redis.disconnect();
    }
    await this.fresh?.drop();
    await Promise.all(this.extra.map((s) => s.stop()));
  }
}

/**
 * A valid account public key without its seed: nkeys.js derives keys in pure JS (milliseconds
 * each), too slow for 10,000 benchmark accounts. Encoding: prefix byte, 32 bytes, CRC-16/XMODEM
 * little-endian, base32 without padding.
 */
export function randomAccountKey(): string {
  const raw = Buffer.alloc(35);
  raw[0] = 0; // account prefix 'A' (0 << 3)
  randomBytes(32).copy(raw, 1);
  let crc = 0;
  for (let i = 0; i < 33; i++) {
    crc ^= raw[i]! << 8;
    for (let b = 0; b < 8; b++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  raw.writeUInt16LE(crc, 33);
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of raw) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[(value << (5 - bits)) & 31];
  return out;
}
