// Response schemas of the propagation page (the types are the service's).
import { z } from 'zod';
import type { PropagationStatus } from './propagation.service.js';

export const propagationStatusSchema: z.ZodType<PropagationStatus> = z.object({
  waiting: z.number().int(),
  active: z.number().int(),
  retrying: z.number().int(),
  deadLetters: z.array(
    z.object({
      account: z.string(),
      reason: z.string(),
      attempts: z.number().int(),
      failedAt: z.string(),
      accountName: z.string().nullable(),
      tenant: z.string().nullable(),
    }),
  ),
});
export const replayedSchema = z.object({ replayed: z.number().int() });
