/** Why a resolver could not produce or keep an account JWT. Messages never contain the JWT. */
export type ResolverErrorCode =
  /** The URL resolver did not answer (network error, timeout, non-200/404 status). */
  | 'unreachable'
  /** The URL resolver answered with something that is not an acceptable account JWT. */
  | 'invalid_jwt'
  /** Not an account public key. */
  | 'bad_key'
  /** The resolver was closed. */
  | 'closed';

export class ResolverError extends Error {
  override readonly name = 'ResolverError';
  constructor(
    readonly code: ResolverErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
