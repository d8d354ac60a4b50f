import { z } from 'zod';
import { pagingSchema } from '../common/paging.js';
import { signupSchema } from '../signup/signup.schema.js';

/** `q` matches a tenant's name or email (case-insensitive). */
export const listTenantsSchema = pagingSchema.extend({ q: z.string().trim().max(100).optional() });
export type ListTenants = z.infer<typeof listTenantsSchema>;

export const patchTenantSchema = z
  .object({
    plan: z.string().min(1).max(63).optional(),
    status: z.enum(['active', 'suspended']).optional(),
    /** Why (kept in the audit log with the change). */
    reason: z.string().trim().max(500).optional(),
  })
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

/** POST /v1/tenants (operator admins): what a signup sends, without the public signup limit. */
export const createTenantSchema = signupSchema;
export type CreateTenant = z.infer<typeof createTenantSchema>;
