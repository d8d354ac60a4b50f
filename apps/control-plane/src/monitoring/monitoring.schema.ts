// Response schemas of the live monitoring routes (the types are the service's).
import { z } from 'zod';
import type { BrokerStatus, ConnectionView } from './monitoring.service.js';

const connectionViewSchema: z.ZodType<ConnectionView> = z.object({
  broker: z.string(),
  cid: z.number().int(),
  name: z.string(),
  lang: z.string(),
  version: z.string(),
  ip: z.string(),
  rtt: z.string(),
  uptime: z.string(),
  idle: z.string(),
  subscriptions: z.number(),
  inMsgs: z.number(),
  outMsgs: z.number(),
  inBytes: z.number(),
  outBytes: z.number(),
  user: z.string(),
});
export const connectionsSchema = z.object({ items: z.array(connectionViewSchema), unreachable: z.array(z.string()) });

const brokerStatusSchema: z.ZodType<BrokerStatus> = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  monitorUrl: z.string().nullable(),
  health: z.enum(['ok', 'down', 'unmonitored']),
  error: z.string().optional(),
  version: z.string().optional(),
  uptime: z.string().optional(),
  connections: z.number().optional(),
  subscriptions: z.number().optional(),
  inMsgs: z.number().optional(),
  outMsgs: z.number().optional(),
  slowConsumers: z.number().optional(),
});
export const brokerStatusesSchema = z.object({ items: z.array(brokerStatusSchema) });
