import { z } from 'zod';
import { LIMIT_KEYS, type Limits } from '@switchboard/issuer';

// -1 = unlimited, as in NATS account JWT limits; limits left out keep the defaults (unlimited, JetStream off).
const limit = z.number().int().min(-1);

export const createPlanSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes, up to 63 characters'),
    limits: z
      .object(Object.fromEntries(LIMIT_KEYS.map((k) => [k, limit.optional()])) as Record<keyof Limits, z.ZodOptional<typeof limit>>)
      .strict()
      .default({}),
    /** NATS accounts a tenant on this plan may have. */
    maxAccounts: z.number().int().min(1).optional(),
  })
  .strict();

export type CreatePlan = z.infer<typeof createPlanSchema>;

export const patchPlanSchema = z
  .object({
    limits: z
      .object(Object.fromEntries(LIMIT_KEYS.map((k) => [k, limit.optional()])) as Record<keyof Limits, z.ZodOptional<typeof limit>>)
      .strict()
      .optional(),
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
