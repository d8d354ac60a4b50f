import { z } from 'zod';
import { ASSIGNABLE_ROLES, MEMBER_ROLES } from '@switchboard/identity';
import { pagingSchema } from '../common/paging.js';
import { emailSchema, newPasswordSchema } from '../sessions/session.schema.js';

/** Operators name the tenant; tenant callers always get their own. */
export const memberListSchema = pagingSchema.extend({ tenant: z.uuid().optional() });
export type MemberList = z.infer<typeof memberListSchema>;

export const patchMemberSchema = z.object({ role: z.enum(MEMBER_ROLES) }).strict();
export type PatchMember = z.infer<typeof patchMemberSchema>;

export const createInviteSchema = z
  .object({
    role: z.enum(ASSIGNABLE_ROLES),
    /** Only this email may accept (optional: a link for whoever gets it). */
    email: emailSchema.optional(),
    /** Hours the link stays valid (default 72, at most 30 days). */
    validHours: z.number().int().min(1).max(720).default(72),
    /** Operators name the tenant. */
    tenantId: z.uuid().optional(),
  })
  .strict();
export type CreateInvite = z.infer<typeof createInviteSchema>;

export const inviteTokenSchema = z.object({ token: z.string().min(20).max(100) }).strict();

export const acceptInviteSchema = z.object({ token: z.string().min(20).max(100), email: emailSchema, password: z.string().min(1).max(1000) }).strict();
export type AcceptInvite = z.infer<typeof acceptInviteSchema>;

export { newPasswordSchema };

export interface MemberView {
  id: string;
  email: string;
  role: string;
  /** Whether the member can sign in to the console (has a person with a password). */
  canSignIn: boolean;
  createdAt: Date;
}

export interface InviteView {
  id: string;
  email: string | null;
  role: string;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
}

const inviteShape = {
  id: z.string(),
  email: z.string().nullable(),
  role: z.string(),
  createdAt: z.date(),
  expiresAt: z.date(),
  acceptedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
};
export const memberViewSchema: z.ZodType<MemberView> = z.object({
  id: z.string(),
  email: z.string(),
  role: z.string(),
  canSignIn: z.boolean(),
  createdAt: z.date(),
});
export const inviteViewSchema: z.ZodType<InviteView> = z.object(inviteShape);
/** A new invite: the token is shown once, here. */
export const createdInviteSchema = z.object({ ...inviteShape, token: z.string() });
export const invitePreviewSchema = z.object({ organization: z.string(), role: z.string(), email: z.string().nullable(), expiresAt: z.date() });
