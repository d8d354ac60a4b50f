/**
 * Store errors. `code` is what the JetStream API layer maps to nats-server's API errors
 * (e.g. 'max-msgs' → 10 pub error "maximum messages exceeded"); the messages are
 * nats-server's store.go texts, which surface in publish acks.
 */
export type StoreErrorCode =
  'closed' | 'not-found' | 'max-msgs' | 'max-bytes' | 'max-msgs-per-subject' | 'msg-too-large' | 'bad-argument' | 'corrupt' | 'in-use';

const TEXT: Record<StoreErrorCode, string> = {
  closed: 'store is closed',
  'not-found': 'no message found',
  'max-msgs': 'maximum messages exceeded',
  'max-bytes': 'maximum bytes exceeded',
  'max-msgs-per-subject': 'maximum messages per subject exceeded',
  'msg-too-large': 'message size exceeds maximum allowed',
  'bad-argument': 'bad argument',
  corrupt: 'stream store is corrupt',
  'in-use': 'stream directory is in use by another process',
};

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, detail?: string) {
    super(detail ? `${TEXT[code]}: ${detail}` : TEXT[code]);
    this.name = 'StoreError';
    this.code = code;
  }
}
