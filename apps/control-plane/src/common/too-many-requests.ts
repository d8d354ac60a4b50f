import { HttpException, HttpStatus } from '@nestjs/common';

/** 429 with the Retry-After header (whole seconds, at least 1) set by ErrorFilter. */
export class TooManyRequestsException extends HttpException {
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterMs: number, details?: unknown) {
    super({ message, ...(details !== undefined ? { details } : {}) }, HttpStatus.TOO_MANY_REQUESTS);
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  }
}
