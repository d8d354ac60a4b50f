// `npm start`: the whole stack in one process. Known start-up problems (busy port, no Redis, bad
// setting, locked data folder, master key) are one line on stderr and exit code 1.
import { banner } from './banner.js';
import { loadStackConfig, StackConfigError } from './config.js';
import { checkStackPorts, PortInUseError } from './ports.js';
import type { RunningStack } from './stack.js';

// The control plane's own start-up errors, loaded only when needed: importing its modules takes
// seconds, and a busy port should be reported at once.
async function isKnown(e: unknown): Promise<boolean> {
  if (e instanceof StackConfigError || e instanceof PortInUseError) return true;
  const [{ RedisMissingError }, { ConfigError }, { DataDirLockedError }, { MasterKeyError }] = await Promise.all([
    import('./redis.js'),
    import('@switchboard/control-plane'),
    import('@switchboard/db'),
    import('@switchboard/secrets'),
  ]);
  return e instanceof RedisMissingError || e instanceof ConfigError || e instanceof DataDirLockedError || e instanceof MasterKeyError;
}

async function fail(e: unknown): Promise<never> {
  const known = await isKnown(e).catch(() => false);
  process.stderr.write(`switchboard: ${known ? (e as Error).message : e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const cfg = loadStackConfig();
  let stack: RunningStack | undefined;
  let stopping = 0;
  // Ctrl-C in a terminal reaches this process twice (from the terminal and again from npm), so a
  // repeat within REPEAT_GRACE_MS of the first is the same Ctrl-C; a later one cuts the shutdown short.
  const REPEAT_GRACE_MS = 2000;
  // Signals during start-up are honoured once the start finishes or fails (startStack unwinds itself).
  const stop = (signal: string): void => {
    if (stopping) {
      if (Date.now() - stopping < REPEAT_GRACE_MS) return;
      process.stderr.write(`switchboard: ${signal} again, exiting now\n`);
      process.exit(1);
    }
    stopping = Date.now();
    process.stderr.write(`switchboard: ${signal}, stopping (${signal} again after ${REPEAT_GRACE_MS / 1000} s exits at once)\n`);
    if (!stack) return;
    // exit() rather than waiting for the event loop: the wasm schema engine leaves a timer behind.
    stack.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`switchboard: shutdown failed: ${(e as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  await checkStackPorts(cfg);
  const { startStack } = await import('./stack.js');
  stack = await startStack(cfg);
  if (stopping) {
    await stack.close();
    process.exit(0);
  }
  process.stdout.write(banner(stack));
}

main().catch(fail);
