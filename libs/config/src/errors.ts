/**
 * A configuration that cannot be read. `message` is `file:line:column: detail`;
 * `reason` is the text nats-server (2.9) prints for the same mistake, so tools
 * and tests can compare the two servers word for word.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly file: string | undefined;
  readonly line: number;
  readonly column: number;
  readonly reason: string;

  constructor(detail: string, where: { file?: string | undefined; line: number; column: number; reason?: string; cause?: unknown }) {
    const at = where.line > 0 ? `${where.line}:${where.column}` : '';
    const prefix = [where.file, at].filter((s) => s).join(':');
    super(prefix ? `${prefix}: ${detail}` : detail, where.cause === undefined ? undefined : { cause: where.cause });
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
    this.reason = where.reason ?? detail;
  }
}
