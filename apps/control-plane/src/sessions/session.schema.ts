import { z } from 'zod';
import { passwordProblem } from '@switchboard/identity';

export const emailSchema = z
  .email('Enter an email address like name@example.com.')
  .max(254)
  .transform((e) => e.toLowerCase());

/** A new password, checked by libs/identity's rules (the message is for the person typing it). */
export const newPasswordSchema = z
  .string()
  .max(1000)
  .superRefine((p, ctx) => {
    const problem = passwordProblem(p);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const signInSchema = z.object({ email: emailSchema, password: z.string().min(1, 'Enter your password.').max(1000) }).strict();
export type SignIn = z.infer<typeof signInSchema>;

export const consoleSignupSchema = z
  .object({
    organization: z.string().trim().min(1, 'Enter the name of your organization.').max(100),
    email: emailSchema,
    // Checked below, with the email (the rules refuse a password containing it).
    password: z.string().max(1000),
  })
  .strict()
  .superRefine((s, ctx) => {
    const problem = passwordProblem(s.password, s.email);
    if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem });
  });
export type ConsoleSignup = z.infer<typeof consoleSignupSchema>;

export const operatorSchema = z.object({ email: emailSchema, password: newPasswordSchema }).strict();
export type NewOperator = z.infer<typeof operatorSchema>;

export const switchTenantSchema = z.object({ tenantId: z.uuid() }).strict();
export type SwitchTenant = z.infer<typeof switchTenantSchema>;

export interface OpenedSession {
  /** Goes only into the httpOnly cookie. */
  secret: string;
  csrfToken: string;
  expiresAt: Date;
}

export interface SessionView {
  email: string;
  operator: boolean;
  role: string;
  tenant: { id: string; name: string; status: string } | null;
  memberships: Array<{ tenantId: string; name: string; role: string }>;
  csrfToken: string;
  expiresAt: Date;
}

export const sessionViewSchema: z.ZodType<SessionView> = z.object({
  email: z.string(),
  operator: z.boolean(),
  role: z.string(),
  tenant: z.object({ id: z.string(), name: z.string(), status: z.string() }).nullable(),
  memberships: z.array(z.object({ tenantId: z.string(), name: z.string(), role: z.string() })),
  csrfToken: z.string(),
  expiresAt: z.date(),
});
/** A session just opened (sign-up, sign-in, accepted invite): the cookie carries the secret. */
export const startedSessionSchema = z.object({ csrfToken: z.string(), expiresAt: z.date() });
export const newOperatorSchema = z.object({ id: z.string(), email: z.string() });
