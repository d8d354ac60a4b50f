import { isAccountKey } from '@switchboard/nats-jwt';

export class InvalidAccountKeyError extends Error {
  override readonly name = 'InvalidAccountKeyError';
  constructor(readonly publicKey: string) {
    super(`not an account public key: ${JSON.stringify(publicKey.slice(0, 60))}`);
  }
}

/** Queues take account public keys only: anything else is refused before it becomes a job. */
export function checkKey(k: string): void {
  if (typeof k !== 'string' || !isAccountKey(k)) throw new InvalidAccountKeyError(String(k));
}
