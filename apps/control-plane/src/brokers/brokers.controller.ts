// Broker nodes the worker pushes account JWTs to (operator admins only).
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { Broker, Database } from '@switchboard/db';
import { AccountJwtService } from '../accounts/account-jwt.service.js';
import { AuditService } from '../audit/audit.service.js';
import { CallerParam, notFound, Roles, type Caller } from '../auth/caller.js';
import { pageOf, pagingSchema, type Page, type Paging } from '../common/paging.js';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';
import { DATABASE } from '../tokens.js';

export const createBrokerSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'letters, digits, _ . -, up to 63 characters'),
    url: z.string().regex(/^(nats|tls):\/\/[A-Za-z0-9.\-[\]:]+:\d{1,5}$/, 'must be nats://host:port or tls://host:port'),
  })
  .strict();
type CreateBroker = z.infer<typeof createBrokerSchema>;
type BrokerView = Omit<Broker, 'updatedAt'>;
const view = ({ updatedAt: _u, ...b }: Broker): BrokerView => b;

@ApiTags('brokers')
@ApiBearerAuth()
@Roles('operator_admin')
@Controller('v1/brokers')
export class BrokersController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly audit: AuditService,
    private readonly jwts: AccountJwtService,
  ) {}

  @Get()
  async list(@Query(new ZodBodyPipe(pagingSchema)) p: Paging): Promise<Page<BrokerView>> {
    return pageOf(p, (w) => this.db.prisma.broker.findMany({ orderBy: { name: 'asc' }, ...w }), () => this.db.prisma.broker.count(), view);
  }

  @Post()
  @ApiBody({ schema: z.toJSONSchema(createBrokerSchema, { target: 'openapi-3.0' }) as object })
  async create(@CallerParam() c: Caller, @Body(new ZodBodyPipe(createBrokerSchema)) body: CreateBroker): Promise<BrokerView> {
    const created = await this.db.prisma.$transaction(async (tx) => {
      const b = await tx.broker.create({ data: body });
      await this.audit.record(tx, c, { action: 'broker.create', targetType: 'broker', targetId: b.id, details: body });
      return view(b);
    });
    // A new broker has none of the accounts yet: queue them all (after the commit, so the worker sees it).
    await this.jwts.announceAll();
    return created;
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@CallerParam() c: Caller, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.db.prisma.$transaction(async (tx) => {
      const b = await tx.broker.findUnique({ where: { id } });
      if (!b) throw notFound('broker');
      await tx.broker.delete({ where: { id } });
      await this.audit.record(tx, c, { action: 'broker.delete', targetType: 'broker', targetId: id, details: { name: b.name, url: b.url } });
    });
  }
}
