/**
 * Where a library or app reports what it did or recovered from: `console` is one, and so is
 * the broker's ServerLogger (its lines in nats-server's format). Libraries that only warn take
 * `Pick<Logger, 'warn'>`.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A Logger that drops everything (tests, quiet defaults). */
export const silentLog: Logger = { info() {}, warn() {}, error() {} };
