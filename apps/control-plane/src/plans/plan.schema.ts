import { z } from 'zod';
import { INT32_LIMIT_KEYS, LIMIT_KEYS, isFlagLimit, type Limits } from '@switchboard/issuer';
import { UNLIMITED } from '@switchboard/issuer';

// -1 = unlimited, as in NATS account JWT limits; limits left out keep the defaults (unlimited, JetStream off).
const count = z.number().int().min(-1).max(Number.MAX_SAFE_INTEGER);
const int32 = count.max(2_147_483_647);
const flag = z.boolean();

/** One limit's schema: a boolean for flags (jsMaxBytesRequired), else an integer ≥ -1 that fits its column. */
export function limitField(k: keyof Limits): z.ZodNumber | z.ZodBoolean {
  if (isFlagLimit(k)) return flag;
  return (INT32_LIMIT_KEYS as readonly string[]).includes(k) ? int32 : count;
}

const limitsObject = () => z.object(Object.fromEntries(LIMIT_KEYS.map((k) => [k, limitField(k).optional()])) as LimitShape).strict();
type LimitShape = { [K in keyof Limits]: z.ZodOptional<Limits[K] extends boolean ? z.ZodBoolean : z.ZodNumber> };

export const createPlanSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes, up to 63 characters'),
    limits: limitsObject().default({}),
    /** NATS accounts a tenant on this plan may have. */
    maxAccounts: z.number().int().min(1).optional(),
  })
  .strict();

export type CreatePlan = z.infer<typeof createPlanSchema>;

export const patchPlanSchema = z
  .object({
    limits: limitsObject().optional(),
    maxAccounts: z.number().int().min(1).optional(),
  })
  .strict()
  .refine((p) => p.limits !== undefined || p.maxAccounts !== undefined, { message: 'give limits and/or maxAccounts' });
export type PatchPlan = z.infer<typeof patchPlanSchema>;

export interface PlanView {
  id: string;
  name: string;
  limits: Limits;
  maxAccounts: number;
  createdAt: Date;
}

/** An account's effective limits as answered: every key of the issuer's Limits, numbers and flags. */
export const limitsViewSchema = z
  .object(Object.fromEntries(Object.entries(UNLIMITED).map(([k, v]) => [k, typeof v === 'boolean' ? z.boolean() : z.number()])))
  .strict() as unknown as z.ZodType<Limits>;

const planShape = { id: z.string(), name: z.string(), limits: limitsViewSchema, maxAccounts: z.number().int(), createdAt: z.date() };
export const planViewSchema: z.ZodType<PlanView> = z.object(planShape);
export const planImpactSchema = z.object({ tenants: z.number().int(), accounts: z.number().int() });
/** A patched plan: how many accounts were re-signed with its new limits. */
export const patchedPlanSchema = z.object({ ...planShape, accountsChanged: z.number().int() });
