import { z } from 'zod';
import { KV_BUCKET, KV_KEY } from '@switchboard/issuer';

export interface ConsumerView {
  name: string;
  durable: boolean;
  created: string;
  ackPolicy: string;
  deliverPolicy: string;
  filterSubject: string;
  pushBound: boolean;
  /** Messages matching the filter not yet delivered. */
  numPending: number;
  /** Delivered, not yet acknowledged. */
  numAckPending: number;
  numRedelivered: number;
  numWaiting: number;
  deliveredStreamSeq: number;
  ackFloorStreamSeq: number;
  lastActive: string | null;
  /** numPending + numAckPending: what the consumer has not finished with. */
  lag: number;
}

export interface StreamView {
  /** The broker whose /jsz lists it (JetStream is per broker here). */
  broker: string;
  name: string;
  created: string;
  subjects: string[];
  storage: string;
  retention: string;
  maxMsgs: number;
  maxBytes: number;
  messages: number;
  bytes: number;
  firstSeq: number;
  lastSeq: number;
  firstTs: string | null;
  lastTs: string | null;
  numSubjects: number;
  consumerCount: number;
  consumers: ConsumerView[];
}

export interface StreamsView {
  /** The account's JetStream bytes in memory and on disk, summed over the brokers that answered. */
  memory: number;
  storage: number;
  items: StreamView[];
  /** Monitored brokers that did not answer (their streams are missing from items). */
  unreachable: string[];
}

export interface BucketView {
  broker: string;
  bucket: string;
  /** Stored values, history included. */
  values: number;
  bytes: number;
  /** Values kept per key. */
  history: number;
  /** 0 = values never expire. */
  ttlSeconds: number;
  storage: string;
  created: string;
}

export interface BucketsView {
  items: BucketView[];
  unreachable: string[];
}

export interface KvKeysView {
  bucket: string;
  items: string[];
  /** More keys than the answer holds (KV_KEYS_LIMIT). */
  truncated: boolean;
}

export interface KvEntryView {
  revision: number;
  /** PUT, DEL or PURGE. */
  operation: string;
  created: string;
  /** Value bytes. */
  length: number;
  /** The value as text when it is UTF-8, else base64. */
  value: string;
  encoding: 'utf8' | 'base64';
}

export interface KvKeyView {
  bucket: string;
  key: string;
  /** The newest entry (a DEL/PURGE marker when the key was deleted). */
  current: KvEntryView;
  /** Every kept entry, oldest first (up to the bucket's history). */
  history: KvEntryView[];
}

export const KV_KEYS_LIMIT = 1000;

export const bucketParamSchema = z.string().max(255).regex(KV_BUCKET, 'must be a KV bucket name (letters, digits, - and _)');
export const keyParamSchema = z
  .string()
  .max(1024)
  .regex(KV_KEY, 'must be a KV key (letters, digits, - / = _ .)')
  .refine((k) => !k.startsWith('.') && !k.endsWith('.') && !k.includes('..'), 'must not start or end with a dot');

const consumerViewSchema: z.ZodType<ConsumerView> = z.object({
  name: z.string(),
  durable: z.boolean(),
  created: z.string(),
  ackPolicy: z.string(),
  deliverPolicy: z.string(),
  filterSubject: z.string(),
  pushBound: z.boolean(),
  numPending: z.number(),
  numAckPending: z.number(),
  numRedelivered: z.number(),
  numWaiting: z.number(),
  deliveredStreamSeq: z.number(),
  ackFloorStreamSeq: z.number(),
  lastActive: z.string().nullable(),
  lag: z.number(),
});

const streamViewSchema: z.ZodType<StreamView> = z.object({
  broker: z.string(),
  name: z.string(),
  created: z.string(),
  subjects: z.array(z.string()),
  storage: z.string(),
  retention: z.string(),
  maxMsgs: z.number(),
  maxBytes: z.number(),
  messages: z.number(),
  bytes: z.number(),
  firstSeq: z.number(),
  lastSeq: z.number(),
  firstTs: z.string().nullable(),
  lastTs: z.string().nullable(),
  numSubjects: z.number(),
  consumerCount: z.number(),
  consumers: z.array(consumerViewSchema),
});

export const streamsViewSchema: z.ZodType<StreamsView> = z.object({
  memory: z.number(),
  storage: z.number(),
  items: z.array(streamViewSchema),
  unreachable: z.array(z.string()),
});

export const bucketsViewSchema: z.ZodType<BucketsView> = z.object({
  items: z.array(
    z.object({
      broker: z.string(),
      bucket: z.string(),
      values: z.number(),
      bytes: z.number(),
      history: z.number(),
      ttlSeconds: z.number(),
      storage: z.string(),
      created: z.string(),
    }),
  ),
  unreachable: z.array(z.string()),
});

export const kvKeysViewSchema: z.ZodType<KvKeysView> = z.object({ bucket: z.string(), items: z.array(z.string()), truncated: z.boolean() });

const kvEntryViewSchema: z.ZodType<KvEntryView> = z.object({
  revision: z.number().int(),
  operation: z.string(),
  created: z.string(),
  length: z.number().int(),
  value: z.string(),
  encoding: z.enum(['utf8', 'base64']),
});

export const kvKeyViewSchema: z.ZodType<KvKeyView> = z.object({
  bucket: z.string(),
  key: z.string(),
  current: kvEntryViewSchema,
  history: z.array(kvEntryViewSchema),
});
