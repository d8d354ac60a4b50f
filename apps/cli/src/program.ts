// The `switchboard` command tree, and run(): parse, dispatch, and turn every failure into one
// `error: …` line and an exit code (2 for usage mistakes, 1 for failures), never a stack trace.
import { Command, CommanderError } from 'commander';
import { Context, type Io } from './context.js';
import { CliError, EXIT_FAILURE, EXIT_USAGE } from './errors.js';
import { registerAccounts } from './commands/accounts.js';
import { registerExports } from './commands/exports.js';
import { registerImports } from './commands/imports.js';
import { registerPlans } from './commands/plans.js';
import { registerServerConfig } from './commands/server-config.js';
import { registerSession } from './commands/session.js';
import { registerUsers } from './commands/users.js';

export const VERSION = '0.1.0';

export function buildProgram(io: Io): Command {
  const program = new Command('switchboard');
  // Set before any subcommand exists: .command() copies these settings to each child.
  program
    .description('Manage Switchboard tenants, NATS accounts, users (.creds), exports and imports')
    .version(VERSION, '-V, --version')
    .option('--api <url>', 'control plane URL (env SWITCHBOARD_API; default: the stored login)')
    .option('--token <token>', 'API token, or - to read it from standard input (env SWITCHBOARD_TOKEN)')
    .option('--token-file <file>', 'read the API token from this file (keeps it out of the command line and shell history)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nThe login is stored in $SWITCHBOARD_CONFIG, or $XDG_CONFIG_HOME/switchboard/config.json (mode 0600).\nExit codes: 0 success, 1 failure, 2 usage error.',
    );
  const ctx = new Context(io, program);
  registerSession(program, ctx);
  registerAccounts(program, ctx);
  registerUsers(program, ctx);
  registerExports(program, ctx);
  registerImports(program, ctx);
  registerPlans(program, ctx);
  registerServerConfig(program, ctx);
  return program;
}

/** Runs one command line (without the node/script words) and resolves to the exit code. */
export async function run(args: readonly string[], io: Io): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...args], { from: 'user' });
    return 0;
  } catch (e) {
    return report(e, io);
  }
}

function report(e: unknown, io: Io): number {
  if (e instanceof CommanderError) {
    // Commander has printed its own message (or the help) already.
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
    return EXIT_USAGE;
  }
  if (e instanceof CliError) {
    io.err(`error: ${e.message}\n`);
    return e.exitCode;
  }
  io.err(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  return EXIT_FAILURE;
}
