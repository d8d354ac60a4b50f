import { z } from 'zod';
import type { Broker } from '@switchboard/db';

export const createBrokerSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'letters, digits, _ . -, up to 63 characters'),
    url: z
      .string()
      .max(300)
      .regex(/^(nats|tls):\/\/[A-Za-z0-9.\-[\]:]+:\d{1,5}$/, 'must be nats://host:port or tls://host:port'),
    /** Its HTTP monitoring base (/varz, /connz), for the console's health and connections pages. */
    monitorUrl: z
      .string()
      .max(2000)
      .regex(/^https?:\/\/\S+$/, 'must be an http(s):// URL')
      .optional(),
  })
  .strict();
export type CreateBroker = z.infer<typeof createBrokerSchema>;
export type BrokerView = Omit<Broker, 'updatedAt'>;

export const brokerViewSchema: z.ZodType<BrokerView> = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  monitorUrl: z.string().nullable(),
  createdAt: z.date(),
});
