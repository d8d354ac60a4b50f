import { z } from 'zod';
import { isValidQueueName, isValidSubject } from '@switchboard/subjects';
import { nameSchema } from '../accounts/account.schema.js';
import { durationSchema, instantTextSchema } from '../common/fields.js';

// Checked here as a broker parses them, so each bad entry gets its own field in the 400.
const pubSubject = z.string().max(255).refine(isValidSubject, 'not a valid subject (empty token, space or misplaced wildcard)');
// A subscribe permission may name a queue group: "subject queue".
const subSubject = z
  .string()
  .max(255)
  .refine((s) => {
    const [subject, queue, ...rest] = s.split(' ');
    return rest.length === 0 && isValidSubject(subject!) && (queue === undefined || isValidQueueName(queue));
  }, 'not a valid subject, or "subject queue"');
const permission = (subject: z.ZodType<string>) =>
  z.object({ allow: z.array(subject).max(256).optional(), deny: z.array(subject).max(256).optional() }).strict();

export const createUserSchema = z
  .object({
    name: nameSchema,
    // Checked by the issuer (user nkey, checksum; a seed is refused without being echoed).
    publicKey: z.string().max(200),
    permissions: z
      .object({
        pub: permission(pubSubject).optional(),
        sub: permission(subSubject).optional(),
        resp: z
          .object({ max: z.number().int().min(1), ttl: durationSchema })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    expiresIn: durationSchema.optional(),
    expiresAt: instantTextSchema.optional(),
    bearer: z.boolean().optional(),
  })
  .strict();
export type CreateUser = z.infer<typeof createUserSchema>;

export interface UserView {
  id: string;
  accountId: string;
  name: string;
  publicKey: string;
  permissions: unknown;
  jwt: string | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

export const userViewSchema: z.ZodType<UserView> = z.object({
  id: z.string(),
  accountId: z.string(),
  name: z.string(),
  publicKey: z.string(),
  permissions: z.unknown(),
  jwt: z.string().nullable(),
  expiresAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
  createdAt: z.date(),
});
export const revokedUserSchema = z.object({ revokedAt: z.date() });
