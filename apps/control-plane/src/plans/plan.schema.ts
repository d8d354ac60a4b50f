import { z } from 'zod';

// -1 = unlimited, as in NATS account JWT limits.
const limit = z.number().int().min(-1);

export const createPlanSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes, up to 63 characters'),
    maxConnections: limit.optional(),
    maxLeafNodes: limit.optional(),
    maxSubscriptions: limit.optional(),
    maxPayload: limit.optional(),
    maxData: limit.optional(),
    maxImports: limit.optional(),
    maxExports: limit.optional(),
    maxAccounts: z.number().int().min(1).optional(),
    jsMemoryStorage: limit.optional(),
    jsDiskStorage: limit.optional(),
    jsStreams: limit.optional(),
    jsConsumers: limit.optional(),
  })
  .strict();

export type CreatePlan = z.infer<typeof createPlanSchema>;
