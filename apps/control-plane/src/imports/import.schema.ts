import { z } from 'zod';
import { nameSchema } from '../accounts/account.schema.js';
import { exportTypeSchema, subjectSchema } from '../exports/export.schema.js';

export const createImportSchema = z
  .object({
    name: nameSchema,
    /** Exporting account's public key (checked by the issuer). */
    account: z.string().max(200),
    subject: subjectSchema,
    localSubject: subjectSchema.optional(),
    type: exportTypeSchema,
    token: z.string().max(16_384).optional(),
  })
  .strict();
export type CreateImport = z.infer<typeof createImportSchema>;

export interface ImportView {
  id: string;
  accountId: string;
  name: string;
  account: string;
  subject: string;
  localSubject: string | null;
  type: string;
  token: string | null;
  tokenExpiresAt: Date | null;
  createdAt: Date;
}

export const importViewSchema: z.ZodType<ImportView> = z.object({
  id: z.string(),
  accountId: z.string(),
  name: z.string(),
  account: z.string(),
  subject: z.string(),
  localSubject: z.string().nullable(),
  type: z.string(),
  token: z.string().nullable(),
  tokenExpiresAt: z.date().nullable(),
  createdAt: z.date(),
});
