import { z } from 'zod';
export interface OperatorView {
  name: string;
  publicKey: string;
  jwt: string;
  systemAccount: { publicKey: string; jwt: string };
  accountServerUrl: string | null;
}

export const operatorViewSchema: z.ZodType<OperatorView> = z.object({
  name: z.string(),
  publicKey: z.string(),
  jwt: z.string(),
  systemAccount: z.object({ publicKey: z.string(), jwt: z.string() }),
  accountServerUrl: z.string().nullable(),
});
