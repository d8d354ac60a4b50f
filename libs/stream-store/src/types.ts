/**
 * Shapes of the stream store, named after nats-server's store.go (StreamState, SimpleState,
 * StoreMsg, ConsumerState). Sequences are JS numbers (exact to 2^53); timestamps are
 * nanoseconds since the Unix epoch as bigint, as nats-server keeps them (int64 ns).
 */

export type DiscardPolicy = 'old' | 'new';

/** The limits a store enforces at append (the storage part of a JetStream StreamConfig). */
export interface StoreLimits {
  /** Max messages kept; 0 or negative = unlimited. */
  maxMsgs?: number;
  /** Max bytes kept, counted per message as nats-server does (see msg-size.ts); <= 0 = unlimited. */
  maxBytes?: number;
  /** Max age in nanoseconds (JetStream's max_age unit); 0 = unlimited. */
  maxAge?: number;
  /** Max messages per subject; <= 0 = unlimited. */
  maxMsgsPerSubject?: number;
  /** Max header + payload bytes of one message; negative or 0 = unlimited (nats-server: -1). */
  maxMsgSize?: number;
  /** What happens at max_msgs/max_bytes: drop the oldest ('old', default) or refuse ('new'). */
  discard?: DiscardPolicy;
  /** With discard 'new': refuse a message whose subject is at max_msgs_per_subject. */
  discardNewPerSubject?: boolean;
}

/** A stored message. `hdr` is null when the message has no headers. */
export interface StoredMsg {
  seq: number;
  subject: string;
  hdr: Uint8Array | null;
  data: Uint8Array;
  /** Nanoseconds since the Unix epoch. */
  ts: bigint;
}

/** nats-server's StreamState (without the consumer count, which belongs to the stream layer). */
export interface StreamState {
  msgs: number;
  bytes: number;
  firstSeq: number;
  /** 0n when the stream is empty. */
  firstTs: bigint;
  lastSeq: number;
  /** 0n before the first message. */
  lastTs: bigint;
  numSubjects: number;
  numDeleted: number;
}

/** nats-server's SimpleState: how many messages match, and the first and last of them. */
export interface SimpleState {
  msgs: number;
  first: number;
  last: number;
}

/** One side of a consumer's progress: consumer sequence and stream sequence. */
export interface SequencePair {
  consumer: number;
  stream: number;
}

/** An unacked delivery: the consumer sequence it went out with and when (ns). */
export interface PendingDelivery {
  sequence: number;
  ts: bigint;
}

/** nats-server's ConsumerState; pending and redelivered are keyed by stream sequence. */
export interface ConsumerState {
  delivered: SequencePair;
  ackFloor: SequencePair;
  pending: Map<number, PendingDelivery>;
  redelivered: Map<number, number>;
}
