import { ConflictException, Inject, Injectable, BadRequestException } from '@nestjs/common';
import type { Database } from '@switchboard/db';
import { accountDeletionProblem, accountLimitProblem, newSealedKey, signingKeyRevocationProblem } from '@switchboard/issuer';
import type { Keyring } from '@switchboard/secrets';
import { AuditService } from '../audit/audit.service.js';
import { isOperator, notFound, tenantScope, type Caller } from '../auth/caller.js';
import { byAge, pageOf, type Page } from '../common/paging.js';
import type { Tx } from '../common/tx.js';
import { OperatorService } from '../operator/operator.service.js';
import { DATABASE, KEYRING } from '../tokens.js';
import { AccountJwtService, type Touch } from './account-jwt.service.js';
import type { AccountView, CreateAccount, ListAccounts, PatchAccount } from './account.schema.js';

const detail = { tenant: { include: { plan: true } }, signingKeys: { where: { revokedAt: null }, orderBy: { createdAt: 'asc' as const } } };

@Injectable()
export class AccountsService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(KEYRING) private readonly keyring: Keyring,
    private readonly jwts: AccountJwtService,
    private readonly audit: AuditService,
    private readonly operator: OperatorService,
  ) {}

  /** The account if the caller may see it; else 404 (another tenant's account looks absent). */
  async find(caller: Caller, id: string, tx: Tx | Database['prisma'] = this.db.prisma) {
    const a = await tx.account.findFirst({ where: { id, ...tenantScope(caller) } });
    if (!a) throw notFound('account');
    return a;
  }

  private view(a: Awaited<ReturnType<AccountsService['load']>>): AccountView {
    return {
      id: a.id,
      tenantId: a.tenantId,
      name: a.name,
      publicKey: a.publicKey,
      limits: this.jwts.limitsOf(a),
      signingKeys: a.signingKeys.map((k) => ({ publicKey: k.publicKey, createdAt: k.createdAt })),
      jwt: a.jwt,
      createdAt: a.createdAt,
    };
  }

  private load(id: string) {
    return this.db.prisma.account.findUniqueOrThrow({ where: { id }, include: detail });
  }

  async list(caller: Caller, q: ListAccounts): Promise<Page<AccountView>> {
    const where = isOperator(caller) ? (q.tenant ? { tenantId: q.tenant } : {}) : { tenantId: caller.tenantId! };
    return pageOf(
      q,
      (w) => this.db.prisma.account.findMany({ where, include: detail, orderBy: byAge, ...w }),
      () => this.db.prisma.account.count({ where }),
      (a) => this.view(a),
    );
  }

  async get(caller: Caller, id: string): Promise<AccountView> {
    await this.find(caller, id);
    return this.view(await this.load(id));
  }

  async create(caller: Caller, input: CreateAccount): Promise<AccountView> {
    const tenantId = isOperator(caller) ? input.tenantId : caller.tenantId!;
    if (!tenantId) throw new BadRequestException({ message: 'validation failed', details: [{ field: 'tenantId', message: 'required for operator admins' }] });
    if (!isOperator(caller) && input.tenantId && input.tenantId !== tenantId) throw notFound('tenant');
    const id = await this.jwts.transact(async (tx, touch) => {
      // Lock the tenant so two concurrent creates cannot both pass the plan's account count.
      await tx.$queryRaw`SELECT id FROM tenants WHERE id = ${tenantId}::uuid FOR UPDATE`;
      const tenant = await tx.tenant.findUnique({ where: { id: tenantId }, include: { plan: true, _count: { select: { accounts: true } } } });
      if (!tenant) throw notFound('tenant');
      const full = accountLimitProblem(tenant.plan, tenant._count.accounts);
      if (full) throw new ConflictException(full);
      return (await this.createIn(tx, touch, caller, tenantId, input.name)).id;
    });
    return this.view(await this.load(id));
  }

  /** New account with its own key and one signing key, JWT signed, audited (used by signup too). */
  async createIn(tx: Tx, touch: Touch, actor: Caller | string, tenantId: string, name: string) {
    const key = newSealedKey(this.keyring, 'account');
    const sk = newSealedKey(this.keyring, 'account');
    const a = await tx.account.create({
      data: {
        tenantId,
        operatorId: this.operator.id,
        name,
        publicKey: key.publicKey,
        seedEnc: key.seedEnc,
        jwt: '',
        jwtIssuedAt: new Date(),
        signingKeys: { create: { publicKey: sk.publicKey, seedEnc: sk.seedEnc } },
      },
    });
    await touch(a.id, { locked: true });
    await this.audit.record(tx, actor, {
      tenantId,
      action: 'account.create',
      targetType: 'account',
      targetId: a.id,
      details: { name, publicKey: a.publicKey },
    });
    return a;
  }

  async patch(caller: Caller, id: string, input: PatchAccount): Promise<AccountView> {
    await this.jwts.transact(async (tx, touch) => {
      const a = await this.find(caller, id, tx);
      const merged: Record<string, number | boolean> = { ...((a.limits as Record<string, number | boolean>) ?? {}) };
      for (const [k, v] of Object.entries(input.limits)) {
        if (v === null) delete merged[k];
        else if (v !== undefined) merged[k] = v;
      }
      await tx.account.update({ where: { id }, data: { limits: merged } });
      await touch(id);
      await this.audit.record(tx, caller, {
        tenantId: a.tenantId,
        action: 'account.limits',
        targetType: 'account',
        targetId: id,
        details: { limits: input.limits },
      });
    });
    return this.view(await this.load(id));
  }

  async remove(caller: Caller, id: string): Promise<void> {
    let publicKey = '';
    await this.jwts.transact(async (tx) => {
      const a = await this.find(caller, id, tx);
      const kept = accountDeletionProblem(a);
      if (kept) throw new ConflictException(kept);
      await tx.account.delete({ where: { id } });
      await this.audit.record(tx, caller, {
        tenantId: a.tenantId,
        action: 'account.delete',
        targetType: 'account',
        targetId: id,
        details: { name: a.name, publicKey: a.publicKey },
      });
      publicKey = a.publicKey;
    });
    // The worker finds no JWT for it any more (the resolver answers 404).
    await this.jwts.announce([publicKey]);
  }

  async jwt(caller: Caller, id: string): Promise<string> {
    return (await this.find(caller, id)).jwt;
  }

  async addSigningKey(caller: Caller, id: string, rotate: boolean): Promise<{ publicKey: string }> {
    return this.jwts.transact(async (tx, touch) => {
      const a = await this.find(caller, id, tx);
      if (rotate) await tx.accountSigningKey.updateMany({ where: { accountId: id, revokedAt: null }, data: { revokedAt: new Date() } });
      const sk = newSealedKey(this.keyring, 'account');
      await tx.accountSigningKey.create({ data: { accountId: id, publicKey: sk.publicKey, seedEnc: sk.seedEnc } });
      await touch(id);
      await this.audit.record(tx, caller, {
        tenantId: a.tenantId,
        action: rotate ? 'signing_key.rotate' : 'signing_key.add',
        targetType: 'account',
        targetId: id,
        details: { publicKey: sk.publicKey },
      });
      return { publicKey: sk.publicKey };
    });
  }

  async revokeSigningKey(caller: Caller, id: string, publicKey: string): Promise<void> {
    await this.jwts.transact(async (tx, touch) => {
      const a = await this.find(caller, id, tx);
      const keys = await tx.accountSigningKey.findMany({ where: { accountId: id, revokedAt: null } });
      const refused = signingKeyRevocationProblem(
        keys.map((k) => k.publicKey),
        publicKey,
      );
      if (refused === 'unknown') throw notFound('signing key');
      if (refused) throw new ConflictException(refused);
      await tx.accountSigningKey.updateMany({ where: { accountId: id, publicKey }, data: { revokedAt: new Date() } });
      await touch(id);
      await this.audit.record(tx, caller, { tenantId: a.tenantId, action: 'signing_key.revoke', targetType: 'account', targetId: id, details: { publicKey } });
    });
  }
}
