import { z } from 'zod';
import { pagingSchema } from '../common/paging.js';
import { signupSchema, type SignupResult } from '../signup/signup.schema.js';

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

export const tenantViewSchema: z.ZodType<TenantView> = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  plan: z.string(),
  status: z.string(),
  createdAt: z.date(),
});

/** A new tenant (signup, or POST /v1/tenants). Here rather than in signup.schema.ts, which this file imports. */
export const signupResultSchema: z.ZodType<SignupResult> = z.object({
  tenant: tenantViewSchema,
  account: z.object({ id: z.string(), name: z.string(), publicKey: z.string() }),
  token: z.string().optional(),
  memberId: z.string(),
});
