import { z } from 'zod';
export interface AuditView {
  id: string;
  at: Date;
  actor: string;
  action: string;
  target: string | null;
  tenantId: string | null;
  details: unknown;
}

export const auditViewSchema: z.ZodType<AuditView> = z.object({
  id: z.string(),
  at: z.date(),
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  tenantId: z.string().nullable(),
  details: z.unknown(),
});
