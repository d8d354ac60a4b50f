import { Inject, Injectable } from '@nestjs/common';
import type { Database, Export } from '@switchboard/db';
import { checkAccountPublicKey, issueActivation, openSigner, durationField } from '@switchboard/issuer';
import type { Keyring } from '@switchboard/secrets';
import { AccountJwtService } from '../accounts/account-jwt.service.js';
import { AccountsService } from '../accounts/accounts.service.js';
import { AuditService } from '../audit/audit.service.js';
import { notFound, type Caller } from '../auth/caller.js';
import { byAge, pageOf, type Page, type Paging } from '../common/paging.js';
import { DATABASE, KEYRING } from '../tokens.js';
import type { CreateActivation, CreateExport, ExportView } from './export.schema.js';

const view = ({ updatedAt: _u, description: _d, ...e }: Export): ExportView => e;

@Injectable()
export class ExportsService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(KEYRING) private readonly keyring: Keyring,
    private readonly accounts: AccountsService,
    private readonly jwts: AccountJwtService,
    private readonly audit: AuditService,
  ) {}

  async list(caller: Caller, accountId: string, p: Paging): Promise<Page<ExportView>> {
    await this.accounts.find(caller, accountId);
    const where = { accountId };
    return pageOf(
      p,
      (w) => this.db.prisma.export.findMany({ where, orderBy: byAge, ...w }),
      () => this.db.prisma.export.count({ where }),
      view,
    );
  }

  async create(caller: Caller, accountId: string, input: CreateExport): Promise<ExportView> {
    return this.jwts.transact(async (tx, touch) => {
      const a = await this.accounts.find(caller, accountId, tx);
      const e = await tx.export.create({
        data: {
          accountId,
          name: input.name,
          subject: input.subject,
          type: input.type,
          tokenRequired: input.tokenRequired ?? false,
          responseType: input.responseType ?? null,
          accountTokenPosition: input.accountTokenPosition ?? null,
        },
      });
      await touch(accountId);
      await this.audit.record(tx, caller, {
        tenantId: a.tenantId,
        action: 'export.create',
        targetType: 'export',
        targetId: e.id,
        details: { accountId, subject: e.subject, type: e.type },
      });
      return view(e);
    });
  }

  async remove(caller: Caller, accountId: string, exportId: string): Promise<void> {
    await this.jwts.transact(async (tx, touch) => {
      const a = await this.accounts.find(caller, accountId, tx);
      const e = await tx.export.findFirst({ where: { id: exportId, accountId } });
      if (!e) throw notFound('export');
      await tx.export.delete({ where: { id: exportId } });
      await touch(accountId);
      await this.audit.record(tx, caller, {
        tenantId: a.tenantId,
        action: 'export.delete',
        targetType: 'export',
        targetId: exportId,
        details: { accountId, subject: e.subject },
      });
    });
  }

  /** An activation token for `importer`, signed by the exporting account's own key. */
  async activate(caller: Caller, accountId: string, exportId: string, input: CreateActivation): Promise<{ token: string }> {
    const importer = checkAccountPublicKey(input.importer, 'importer');
    const expiresAt = input.expiresIn ? new Date(Date.now() + durationField(input.expiresIn, 'expiresIn')) : null;
    return this.db.prisma.$transaction(async (tx) => {
      await this.accounts.find(caller, accountId, tx);
      const e = await tx.export.findFirst({ where: { id: exportId, accountId }, include: { account: { omit: { seedEnc: false } } } });
      if (!e) throw notFound('export');
      const token = issueActivation({ importer, subject: e.subject, type: e.type, name: e.name, expiresAt }, openSigner(this.keyring, e.account));
      await this.audit.record(tx, caller, {
        tenantId: e.account.tenantId,
        action: 'export.activate',
        targetType: 'export',
        targetId: exportId,
        details: { accountId, importer, expiresAt },
      });
      return { token };
    });
  }
}
