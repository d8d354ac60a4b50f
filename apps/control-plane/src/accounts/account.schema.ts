import { z } from 'zod';
import { LIMIT_KEYS } from '@switchboard/issuer';
import { pagingSchema } from '../common/paging.js';
import { limitField } from '../plans/plan.schema.js';
import type { Limits } from '@switchboard/issuer';
import { limitsViewSchema } from '../plans/plan.schema.js';

export const nameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'letters, digits, _ . -, up to 63 characters, starting with a letter or digit');

export const createAccountSchema = z.object({ name: nameSchema, tenantId: z.uuid().optional() }).strict();
export type CreateAccount = z.infer<typeof createAccountSchema>;

/** Overrides of the plan: any subset of the limits; null removes an override. */
export const limitsSchema = z
  .object(
    Object.fromEntries(LIMIT_KEYS.map((k) => [k, limitField(k).nullable().optional()])) as {
      [K in keyof Limits]: z.ZodOptional<z.ZodNullable<Limits[K] extends boolean ? z.ZodBoolean : z.ZodNumber>>;
    },
  )
  .strict();
export const patchAccountSchema = z.object({ limits: limitsSchema }).strict();
export type PatchAccount = z.infer<typeof patchAccountSchema>;

/** An account signing key in a path (`DELETE …/signing-keys/:publicKey`); unknown keys answer 404. */
export const signingKeyParamSchema = z.string().max(200);

export const listAccountsSchema = pagingSchema.extend({ tenant: z.uuid().optional() });
export type ListAccounts = z.infer<typeof listAccountsSchema>;

export interface AccountView {
  id: string;
  tenantId: string | null;
  name: string;
  publicKey: string;
  limits: Limits;
  signingKeys: { publicKey: string; createdAt: Date }[];
  jwt: string;
  createdAt: Date;
}

export const accountViewSchema: z.ZodType<AccountView> = z.object({
  id: z.string(),
  tenantId: z.string().nullable(),
  name: z.string(),
  publicKey: z.string(),
  limits: limitsViewSchema,
  signingKeys: z.array(z.object({ publicKey: z.string(), createdAt: z.date() })),
  jwt: z.string(),
  createdAt: z.date(),
});
export const signingKeyViewSchema = z.object({ publicKey: z.string() });
