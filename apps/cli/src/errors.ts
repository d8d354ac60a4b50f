/** Exit codes: 0 success, 1 the operation failed, 2 the command line was wrong. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** An error meant for the user: its message is printed as `error: <message>`, never with a stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A usage mistake the parser cannot see (a bad flag value, a missing login): exit code 2. */
export function usageError(message: string): CliError {
  return new CliError(message, EXIT_USAGE);
}
