import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type { Database, Import } from '@switchboard/db';
import { checkAccountPublicKey, importProblem } from '@switchboard/issuer';
import { decode, type ActivationClaims } from '@switchboard/nats-jwt';
import { AccountJwtService } from '../accounts/account-jwt.service.js';
import { AccountsService } from '../accounts/accounts.service.js';
import { AuditService } from '../audit/audit.service.js';
import { notFound, type Caller } from '../auth/caller.js';
import { byAge, pageOf, type Page, type Paging } from '../common/paging.js';
import { DATABASE } from '../tokens.js';
import type { CreateImport, ImportView } from './import.schema.js';

const view = (i: Import): ImportView => ({
  id: i.id,
  accountId: i.accountId,
  name: i.name,
  account: i.exporterPublicKey,
  subject: i.subject,
  localSubject: i.localSubject,
  type: i.type,
  token: i.activationToken,
  tokenExpiresAt: i.activationExpiresAt,
  createdAt: i.createdAt,
});

const invalid = (field: string, message: string) => new BadRequestException({ message: 'validation failed', details: [{ field, message }] });

@Injectable()
export class ImportsService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly accounts: AccountsService,
    private readonly jwts: AccountJwtService,
    private readonly audit: AuditService,
  ) {}

  async list(caller: Caller, accountId: string, p: Paging): Promise<Page<ImportView>> {
    await this.accounts.find(caller, accountId);
    const where = { accountId };
    return pageOf(
      p,
      (w) => this.db.prisma.import.findMany({ where, orderBy: byAge, ...w }),
      () => this.db.prisma.import.count({ where }),
      view,
    );
  }

  async create(caller: Caller, accountId: string, input: CreateImport): Promise<ImportView> {
    const exporter = checkAccountPublicKey(input.account, 'account');
    let tokenExpiresAt: Date | null = null;
    if (input.token) {
      // Structural look only: the broker verifies the activation against the exporter.
      let claims: ActivationClaims;
      try {
        claims = decode<ActivationClaims>(input.token).claims;
      } catch {
        throw invalid('token', 'not an activation JWT');
      }
      if (claims.nats.type !== 'activation') throw invalid('token', 'not an activation JWT');
      tokenExpiresAt = claims.exp ? new Date(claims.exp * 1000) : null;
    }
    return this.jwts.transact(async (tx, touch) => {
      const a = await this.accounts.find(caller, accountId, tx);
      // The exporter's exports, when it is one of ours (else the broker decides).
      const exports = await tx.export.findMany({
        where: { account: { publicKey: exporter } },
        select: { id: true, subject: true, type: true, tokenRequired: true },
      });
      const problem = importProblem(
        { importer: a.publicKey, exporter, subject: input.subject, type: input.type, ...(input.token ? { token: input.token } : {}) },
        exports,
      );
      if (problem) throw invalid(problem.field, problem.message);
      // Link the export of exactly this subject.
      const exp = exports.find((e) => e.subject === input.subject);
      const i = await tx.import.create({
        data: {
          accountId,
          name: input.name,
          exporterPublicKey: exporter,
          exportId: exp?.id ?? null,
          subject: input.subject,
          localSubject: input.localSubject ?? null,
          type: input.type,
          activationToken: input.token ?? null,
          activationExpiresAt: tokenExpiresAt,
        },
      });
      await touch(accountId);
      await this.audit.record(tx, caller, {
        tenantId: a.tenantId,
        action: 'import.create',
        targetType: 'import',
        targetId: i.id,
        details: { accountId, exporter, subject: i.subject },
      });
      return view(i);
    });
  }

  async remove(caller: Caller, accountId: string, importId: string): Promise<void> {
    await this.jwts.transact(async (tx, touch) => {
      const a = await this.accounts.find(caller, accountId, tx);
      const i = await tx.import.findFirst({ where: { id: importId, accountId } });
      if (!i) throw notFound('import');
      await tx.import.delete({ where: { id: importId } });
      await touch(accountId);
      await this.audit.record(tx, caller, {
        tenantId: a.tenantId,
        action: 'import.delete',
        targetType: 'import',
        targetId: importId,
        details: { accountId, subject: i.subject },
      });
    });
  }
}
