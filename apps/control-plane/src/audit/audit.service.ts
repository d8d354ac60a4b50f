// Every change writes one append-only audit row in the same transaction as the change.
import { Inject, Injectable } from '@nestjs/common';
import type { AuditLog, Database } from '@switchboard/db';
import type { Caller } from '../auth/caller.js';
import { isOperator } from '../auth/caller.js';
import type { Tx } from '../common/tx.js';
import { pageOf, type Page, type Paging } from '../common/paging.js';
import { DATABASE } from '../tokens.js';
import type { AuditView } from './audit.schema.js';

export interface AuditEntry {
  tenantId?: string | null;
  action: string;
  targetType: string;
  targetId: string;
  /** Names, public keys, ids: never seeds or tokens. */
  details?: Record<string, unknown>;
}

const view = (a: AuditLog): AuditView => ({
  id: a.id.toString(),
  at: a.at,
  actor: a.actor,
  action: a.action,
  target: a.targetType ? `${a.targetType}:${a.targetId ?? ''}` : null,
  tenantId: a.tenantId,
  details: a.data ?? null,
});

@Injectable()
export class AuditService {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async record(tx: Tx, actor: Caller | string, e: AuditEntry): Promise<void> {
    await tx.auditLog.create({
      data: {
        tenantId: e.tenantId ?? null,
        actor: typeof actor === 'string' ? actor : actor.actor,
        action: e.action,
        targetType: e.targetType,
        targetId: e.targetId,
        data: (e.details ?? {}) as object,
      },
    });
  }

  async list(caller: Caller, p: Paging): Promise<Page<AuditView>> {
    const where = isOperator(caller) ? {} : { tenantId: caller.tenantId! };
    return pageOf(
      p,
      (w) => this.db.prisma.auditLog.findMany({ where, orderBy: { id: 'desc' }, ...w }),
      () => this.db.prisma.auditLog.count({ where }),
      view,
    );
  }
}
