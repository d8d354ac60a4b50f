/** Why a token, key or creds file was refused. Stable codes for callers; messages are for logs. */
export type JwtErrorCode =
  | 'too_large'
  | 'malformed'
  | 'bad_base64'
  | 'bad_json'
  | 'bad_header'
  | 'bad_claims'
  | 'unsupported_version'
  | 'bad_issuer'
  | 'bad_key'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_type'
  | 'bad_creds';

/** The only error this library throws on bad input. Messages never contain seeds or whole tokens. */
export class JwtError extends Error {
  override readonly name = 'JwtError';
  constructor(
    readonly code: JwtErrorCode,
    message: string,
  ) {
    super(message);
  }
}
