import { z } from 'zod';
import { nameSchema } from '../accounts/account.schema.js';

const subjects = z.array(z.string().min(1).max(255)).max(256);
const permission = z.object({ allow: subjects.optional(), deny: subjects.optional() }).strict();

export const createUserSchema = z
  .object({
    name: nameSchema,
    // Checked by the issuer (user nkey, checksum; a seed is refused without being echoed).
    publicKey: z.string().max(200),
    permissions: z
      .object({
        pub: permission.optional(),
        sub: permission.optional(),
        resp: z.object({ max: z.number().int().min(1), ttl: z.string() }).strict().optional(),
      })
      .strict()
      .optional(),
    expiresIn: z.string().optional(),
    expiresAt: z.string().optional(),
    bearer: z.boolean().optional(),
  })
  .strict();
export type CreateUser = z.infer<typeof createUserSchema>;
