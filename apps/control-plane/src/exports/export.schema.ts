import { z } from 'zod';
import { subjectProblem } from '@switchboard/nats-jwt';
import { nameSchema } from '../accounts/account.schema.js';
import type { Export } from '@switchboard/db';
import { durationSchema } from '../common/fields.js';

export const subjectSchema = z
  .string()
  .max(255)
  .superRefine((s, ctx) => {
    const p = subjectProblem(s);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });

export const exportTypeSchema = z.enum(['stream', 'service']);

export const createExportSchema = z
  .object({
    name: nameSchema,
    subject: subjectSchema,
    type: exportTypeSchema,
    tokenRequired: z.boolean().optional(),
    responseType: z.enum(['Singleton', 'Stream', 'Chunked']).optional(),
    accountTokenPosition: z.number().int().min(1).max(255).optional(),
  })
  .strict()
  .refine((e) => e.type === 'service' || e.responseType === undefined, { path: ['responseType'], message: 'only service exports have a response type' });
export type CreateExport = z.infer<typeof createExportSchema>;

export const activationSchema = z.object({ importer: z.string().max(200), expiresIn: durationSchema.optional() }).strict();
export type CreateActivation = z.infer<typeof activationSchema>;

export type ExportView = Omit<Export, 'updatedAt' | 'description'>;

export const exportViewSchema: z.ZodType<ExportView> = z.object({
  id: z.string(),
  accountId: z.string(),
  name: z.string(),
  subject: z.string(),
  type: z.enum(['stream', 'service']),
  tokenRequired: z.boolean(),
  responseType: z.string().nullable(),
  accountTokenPosition: z.number().int().nullable(),
  createdAt: z.date(),
});
/** An activation token for one importing account. */
export const activationViewSchema = z.object({ token: z.string() });
