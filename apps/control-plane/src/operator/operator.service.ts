// The operator: bootstrapped on first start (empty database), then loaded once per process.
// Holds the operator signing key pair in memory for account JWTs, and the API token signer.
import { randomUUID, createHash } from 'node:crypto';
import fs from 'node:fs';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { KeyPair } from '@nats-io/nkeys';
import { classifyDbError, type Database } from '@switchboard/db';
import {
  ApiTokenSigner,
  apiTokenKeyContext,
  bootstrapOperator,
  loadOperatorSigner,
  loadSystemCreds,
  openSigner,
  resignAccount,
  type Role,
} from '@switchboard/issuer';
import type { Keyring } from '@switchboard/secrets';
import type { ControlPlaneConfig } from '../config.js';
import type { Tx } from '../common/tx.js';
import { CONFIG, DATABASE, KEYRING } from '../tokens.js';
import type { OperatorView } from './operator.schema.js';

/** The free plan every fresh install starts with (signup's default). */
export const DEFAULT_PLAN = {
  name: 'free',
  maxConnections: 100,
  maxSubscriptions: 1000,
  maxPayload: 1n << 20n,
  maxImports: 10,
  maxExports: 10,
  maxAccounts: 3,
  // JetStream on with modest room (file storage for durable streams and KV; a little memory).
  jsMemoryStorage: 64n << 20n,
  jsDiskStorage: 1n << 30n,
  jsStreams: 10,
  jsConsumers: 100,
};

export interface MintedToken {
  id: string;
  token: string;
}

// The bootstrap runs once per install, at start-up, while nothing waits on its rows: on a loaded
// host it has taken longer than Prisma's default 5 s (5.2 s at load 28), which failed the start.
const BOOTSTRAP_TX = { maxWait: 10_000, timeout: 60_000 };

@Injectable()
export class OperatorService implements OnModuleInit {
  private readonly log = new Logger('Operator');
  private state?: { id: string; publicKey: string; signer: KeyPair; signingKeyId: string; apiTokens: ApiTokenSigner };

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(KEYRING) private readonly keyring: Keyring,
    @Inject(CONFIG) private readonly config: ControlPlaneConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!(await this.db.prisma.operator.findFirst({ select: { id: true } }))) {
      try {
        const token = await this.bootstrap();
        this.announce(token);
      } catch (e) {
        // Another instance bootstrapped at the same moment: use its operator.
        if (classifyDbError(e)?.kind !== 'unique') throw e;
      }
    }
    await this.load();
  }

  private async bootstrap(): Promise<string> {
    const b = bootstrapOperator(this.keyring, { name: this.config.operatorName, accountServerUrl: this.config.accountServerUrl });
    return this.db.prisma.$transaction(async (tx) => {
      const op = await tx.operator.create({
        data: {
          name: b.name,
          publicKey: b.publicKey,
          seedEnc: b.seedEnc,
          jwt: b.jwt,
          systemAccount: b.systemAccount.publicKey,
          accountServerUrl: b.accountServerUrl ?? null,
          systemUserPublicKey: b.systemUser.publicKey,
          systemUserSeedEnc: b.systemUser.seedEnc,
          systemUserJwt: b.systemUser.jwt,
          apiTokenKeyEnc: b.apiTokenKeyEnc,
          signingKeys: { create: { publicKey: b.signingKey.publicKey, seedEnc: b.signingKey.seedEnc } },
        },
      });
      const sys = await tx.account.create({
        data: {
          operatorId: op.id,
          name: b.systemAccount.name,
          publicKey: b.systemAccount.publicKey,
          seedEnc: b.systemAccount.seedEnc,
          jwt: '',
          jwtIssuedAt: new Date(0),
          signingKeys: { create: { publicKey: b.systemAccount.signingKey.publicKey, seedEnc: b.systemAccount.signingKey.seedEnc } },
        },
      });
      await resignAccount(tx, sys.id, openSigner(this.keyring, b.signingKey));
      if (!(await tx.plan.findUnique({ where: { name: DEFAULT_PLAN.name } }))) await tx.plan.create({ data: DEFAULT_PLAN });
      await tx.auditLog.create({
        data: { actor: 'system', action: 'operator.bootstrap', targetType: 'operator', targetId: op.id, data: { name: b.name, publicKey: b.publicKey } },
      });
      const signer = new ApiTokenSigner(this.keyring.open(b.apiTokenKeyEnc, apiTokenKeyContext(b.publicKey)));
      return (await this.mintIn(tx, signer, { role: 'operator_admin', name: 'bootstrap' })).token;
    }, BOOTSTRAP_TX);
  }

  /** Shown once: to SWITCHBOARD_ADMIN_TOKEN_FILE (0600) when set, else on stdout. */
  private announce(token: string): void {
    const file = this.config.adminTokenFile;
    if (file) {
      fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
      this.log.log(`operator bootstrapped; operator admin API token written to ${file}`);
    } else {
      this.log.log('operator bootstrapped; the operator admin API token follows on stdout (shown once)');
      process.stdout.write(`SWITCHBOARD_OPERATOR_ADMIN_TOKEN=${token}\n`);
    }
  }

  private async load(): Promise<void> {
    const keys = await loadOperatorSigner(this.db.prisma, this.keyring);
    if (!keys) throw new Error('the operator has no active signing key');
    const op = await this.db.prisma.operator.findUniqueOrThrow({ where: { id: keys.operatorId }, omit: { apiTokenKeyEnc: false } });
    if (!op.apiTokenKeyEnc) throw new Error(`operator ${op.name} has no API token key`);
    this.state = {
      id: op.id,
      publicKey: op.publicKey,
      signer: keys.signer,
      signingKeyId: keys.signingKeyId,
      apiTokens: new ApiTokenSigner(this.keyring.open(op.apiTokenKeyEnc, apiTokenKeyContext(op.publicKey))),
    };
  }

  private get s() {
    if (!this.state) throw new Error('operator not loaded');
    return this.state;
  }

  get id(): string {
    return this.s.id;
  }

  /** Operator signing key pair: signs every account JWT. */
  signer(): KeyPair {
    return this.s.signer;
  }

  apiTokens(): ApiTokenSigner {
    return this.s.apiTokens;
  }

  async view(): Promise<OperatorView> {
    const op = await this.db.prisma.operator.findUniqueOrThrow({ where: { id: this.id } });
    const sys = await this.db.prisma.account.findUniqueOrThrow({ where: { publicKey: op.systemAccount! } });
    return {
      name: op.name,
      publicKey: op.publicKey,
      jwt: op.jwt,
      systemAccount: { publicKey: sys.publicKey, jwt: sys.jwt },
      accountServerUrl: op.accountServerUrl,
    };
  }

  /** The system user's .creds, for workers that push claims to brokers. */
  systemCreds(): Promise<string> {
    return loadSystemCreds(this.db.prisma, this.keyring);
  }

  /** A new operator-admin API token (the `admin-token` command). */
  async mintAdminToken(name: string): Promise<string> {
    return this.db.prisma.$transaction(async (tx) => {
      const t = await this.mint(tx, { role: 'operator_admin', name });
      await tx.auditLog.create({
        data: { actor: 'system', action: 'token.create', targetType: 'api_token', targetId: t.id, data: { name, role: 'operator_admin' } },
      });
      return t.token;
    });
  }

  /** Creates the api_tokens row and its token (the row id is the jti; only a SHA-256 of the token is kept). */
  mint(tx: Tx, t: { role: Role; name: string; tenantId?: string; memberId?: string; expiresAt?: Date }): Promise<MintedToken> {
    return this.mintIn(tx, this.s.apiTokens, t);
  }

  private async mintIn(
    tx: Tx,
    signer: ApiTokenSigner,
    t: { role: Role; name: string; tenantId?: string; memberId?: string; expiresAt?: Date },
  ): Promise<MintedToken> {
    const { id, token, tokenHash } = await this.issueIn(signer, t);
    await tx.apiToken.create({
      data: {
        id,
        name: t.name,
        role: t.role,
        tenantId: t.tenantId ?? null,
        memberId: t.memberId ?? null,
        expiresAt: t.expiresAt ?? null,
        tokenHash,
      },
    });
    return { id, token };
  }

  /** A new API token and what its api_tokens row keeps (id = jti, SHA-256 of the token), for a caller that writes the row itself (signup). */
  issue(t: { role: Role; tenantId?: string; memberId?: string; expiresAt?: Date }): Promise<MintedToken & { tokenHash: string }> {
    return this.issueIn(this.s.apiTokens, t);
  }

  private async issueIn(
    signer: ApiTokenSigner,
    t: { role: Role; tenantId?: string; memberId?: string; expiresAt?: Date },
  ): Promise<MintedToken & { tokenHash: string }> {
    const id = randomUUID();
    const token = await signer.issue({
      sub: t.memberId ?? id,
      role: t.role,
      jti: id,
      ...(t.tenantId ? { tenant: t.tenantId } : {}),
      ...(t.expiresAt ? { expiresAt: t.expiresAt } : {}),
    });
    return { id, token, tokenHash: createHash('sha256').update(token).digest('hex') };
  }
}
