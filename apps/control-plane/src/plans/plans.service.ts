import { Inject, Injectable } from '@nestjs/common';
import type { Database, Plan } from '@switchboard/db';
import { DATABASE } from '../tokens.js';
import type { CreatePlan } from './plan.schema.js';

/** A plan as the API shows it: byte limits as numbers (JSON has no bigint; limits stay far below 2^53). */
export type PlanView = Omit<Plan, 'maxPayload' | 'maxData' | 'jsMemoryStorage' | 'jsDiskStorage'> & {
  maxPayload: number;
  maxData: number;
  jsMemoryStorage: number;
  jsDiskStorage: number;
};

const view = (p: Plan): PlanView => ({
  ...p,
  maxPayload: Number(p.maxPayload),
  maxData: Number(p.maxData),
  jsMemoryStorage: Number(p.jsMemoryStorage),
  jsDiskStorage: Number(p.jsDiskStorage),
});

const big = (n: number | undefined) => (n === undefined ? undefined : BigInt(n));

@Injectable()
export class PlansService {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async list(): Promise<PlanView[]> {
    return (await this.db.prisma.plan.findMany({ orderBy: { name: 'asc' } })).map(view);
  }

  async get(id: string): Promise<PlanView> {
    return view(await this.db.prisma.plan.findUniqueOrThrow({ where: { id } }));
  }

  async create(input: CreatePlan): Promise<PlanView> {
    const plan = await this.db.prisma.plan.create({
      data: {
        ...input,
        maxPayload: big(input.maxPayload),
        maxData: big(input.maxData),
        jsMemoryStorage: big(input.jsMemoryStorage),
        jsDiskStorage: big(input.jsDiskStorage),
      },
    });
    return view(plan);
  }
}
