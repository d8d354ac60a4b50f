import { z } from 'zod';

export const patchTenantSchema = z
  .object({ plan: z.string().min(1).max(63).optional(), status: z.enum(['active', 'suspended']).optional() })
  .strict()
  .refine((t) => t.plan !== undefined || t.status !== undefined, { message: 'give plan and/or status' });
export type PatchTenant = z.infer<typeof patchTenantSchema>;

export interface TenantView {
  id: string;
  name: string;
  email: string;
  plan: string;
  status: string;
  createdAt: Date;
}
