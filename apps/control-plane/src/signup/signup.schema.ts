import { z } from 'zod';
import type { TenantView } from '../tenants/tenant.schema.js';

export const signupSchema = z
  .object({
    email: z
      .email()
      .max(254)
      .transform((e) => e.toLowerCase()),
    organization: z.string().trim().min(1).max(100),
    plan: z.string().min(1).max(63).optional(),
  })
  .strict();
export type Signup = z.infer<typeof signupSchema>;

export interface SignupResult {
  tenant: TenantView;
  account: { id: string; name: string; publicKey: string };
  /** The tenant_admin API token (shown once); absent for a console sign-up, which signs in instead. */
  token?: string;
  memberId: string;
}

/** A console sign-up: the owner is a person who signs in with a password (no API token is minted). */
export interface SignupOwner {
  passwordHash: string;
}
