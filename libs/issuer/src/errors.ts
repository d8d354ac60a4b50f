/** Domain errors with a code the HTTP layer maps to a status; messages never contain a seed. */
export type IssuerErrorCode = 'invalid' | 'unauthorized';

export class IssuerError extends Error {
  override name = 'IssuerError';
  constructor(
    readonly code: IssuerErrorCode,
    message: string,
    /** The input field at fault, for a 400's details. */
    readonly field?: string,
  ) {
    super(message);
  }
}
