// Broker nodes the worker pushes account JWTs to.
import { Inject, Injectable } from '@nestjs/common';
import type { Broker, Database } from '@switchboard/db';
import { AccountJwtService } from '../accounts/account-jwt.service.js';
import { AuditService } from '../audit/audit.service.js';
import { notFound, type Caller } from '../auth/caller.js';
import { pageOf, type Page, type Paging } from '../common/paging.js';
import { DATABASE } from '../tokens.js';
import type { BrokerView, CreateBroker } from './broker.schema.js';

const view = ({ updatedAt: _u, ...b }: Broker): BrokerView => b;

@Injectable()
export class BrokersService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly audit: AuditService,
    private readonly jwts: AccountJwtService,
  ) {}

  list(p: Paging): Promise<Page<BrokerView>> {
    return pageOf(
      p,
      (w) => this.db.prisma.broker.findMany({ orderBy: { name: 'asc' }, ...w }),
      () => this.db.prisma.broker.count(),
      view,
    );
  }

  async create(caller: Caller, input: CreateBroker): Promise<BrokerView> {
    const created = await this.db.prisma.$transaction(async (tx) => {
      const b = await tx.broker.create({ data: input });
      await this.audit.record(tx, caller, { action: 'broker.create', targetType: 'broker', targetId: b.id, details: input });
      return view(b);
    });
    // A new broker has none of the accounts yet: queue them all (after the commit, so the worker sees it).
    await this.jwts.announceAll();
    return created;
  }

  async remove(caller: Caller, id: string): Promise<void> {
    await this.db.prisma.$transaction(async (tx) => {
      const b = await tx.broker.findUnique({ where: { id } });
      if (!b) throw notFound('broker');
      await tx.broker.delete({ where: { id } });
      await this.audit.record(tx, caller, { action: 'broker.delete', targetType: 'broker', targetId: id, details: { name: b.name, url: b.url } });
    });
  }
}
