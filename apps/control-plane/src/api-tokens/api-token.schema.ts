import { z } from 'zod';
import { pagingSchema } from '../common/paging.js';
import { durationSchema } from '../common/fields.js';

export const createTokenSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    role: z.enum(['tenant_admin', 'tenant_member', 'tenant_viewer']),
    /** Operator admins only: the tenant the token is for. */
    tenantId: z.uuid().optional(),
    expiresIn: durationSchema.optional(),
  })
  .strict();
export type CreateToken = z.infer<typeof createTokenSchema>;

export interface TokenView {
  id: string;
  name: string;
  role: string;
  tenantId: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

/** Operator admins: all tokens, or one tenant's with ?tenant=. */
export const listTokensSchema = pagingSchema.extend({ tenant: z.uuid().optional() });
export type ListTokens = z.infer<typeof listTokensSchema>;

export const tokenViewSchema: z.ZodType<TokenView> = z.object({
  id: z.string(),
  name: z.string(),
  role: z.string(),
  tenantId: z.string().nullable(),
  createdAt: z.date(),
  expiresAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});
/** The token itself is shown once, here. */
export const createdTokenSchema = z.object({ id: z.string(), token: z.string() });
