// `npm start -w apps/control-plane`: migrate, then listen on PORT (default 8080).
// `npm start -w apps/control-plane -- admin-token`: print a new operator-admin API token and exit.
import { ConfigError, loadConfig } from './config.js';
import { createControlPlane } from './control-plane.js';
import { DataDirLockedError } from '@switchboard/db';
import { MasterKeyError } from '@switchboard/secrets';

async function adminToken(): Promise<void> {
  const cp = await createControlPlane(loadConfig(), { logger: ['error'] });
  try {
    process.stdout.write(`${await cp.mintAdminToken('admin-token command')}\n`);
  } finally {
    await cp.close();
  }
  process.exit(0);
}

async function main(): Promise<void> {
  const command = process.argv[2];
  if (command === 'admin-token') return adminToken();
  if (command !== undefined) throw new ConfigError(`unknown command ${JSON.stringify(command)} (known: admin-token)`);
  const config = loadConfig();
  // With REDIS_URL, account JWT changes go to the worker's BullMQ queue; without, nowhere (warned).
  const cp = await createControlPlane(config);
  // Close (database, Redis, DATA_DIR lock) then exit 0. Nest's enableShutdownHooks would re-raise
  // the signal instead, and the wasm schema engine leaves a timer that would delay a natural exit.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`control plane: ${signal}, shutting down`);
    cp.close().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(`control-plane: shutdown failed: ${e instanceof Error ? e.message : String(e)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  try {
    await cp.listen(config.port, config.host);
  } catch (e) {
    await cp.close();
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new ConfigError(`port ${config.port} is already in use on ${config.host}: stop the other process or set PORT`);
    }
    throw e;
  }
  console.log(`control plane listening on http://${config.host}:${config.port} (docs at /docs)`);
}

main().catch((e: unknown) => {
  // Known start-up problems get one clear line; anything else keeps its stack.
  const known = e instanceof ConfigError || e instanceof DataDirLockedError || e instanceof MasterKeyError;
  console.error(`control-plane: ${known ? (e as Error).message : e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
});
