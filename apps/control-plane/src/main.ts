// `npm start -w apps/control-plane`: migrate, then listen on PORT (default 8080).
// `npm start -w apps/control-plane -- admin-token`: print a new operator-admin API token and exit.
import { ConfigError, loadConfig } from './config.js';
import { createApp } from './app.js';
import { DataDirLockedError } from '@switchboard/db';
import { MasterKeyError } from '@switchboard/secrets';
import { BullPropagationQueue, redisConnection } from '@switchboard/propagation';
import { OperatorService } from './operator/operator.service.js';

async function adminToken(): Promise<void> {
  const app = await createApp(loadConfig(), { logger: ['error', 'warn'] });
  try {
    const token = await app.get(OperatorService).mintAdminToken('admin-token command');
    process.stdout.write(`${token}\n`);
  } finally {
    await app.close();
  }
  process.exit(0);
}

/**
 * With REDIS_URL set, account JWT changes go to the BullMQ queue the worker consumes (QUEUE_PREFIX as
 * the worker's); without it nothing is pushed and brokers rely on the resolver URL alone.
 */
function propagationQueue(): { queue: BullPropagationQueue; close(): Promise<void> } | undefined {
  const url = process.env.REDIS_URL;
  if (!url) {
    console.warn('control plane: REDIS_URL unset: account JWT changes are not pushed to brokers (they fetch them from /jwt/v1)');
    return undefined;
  }
  const connection = redisConnection(url);
  connection.on('error', () => {}); // reported by the control plane's own Redis client
  const prefix = process.env.QUEUE_PREFIX;
  const queue = new BullPropagationQueue({ connection, ...(prefix ? { prefix } : {}) });
  return {
    queue,
    async close() {
      await queue.close();
      connection.disconnect();
    },
  };
}

async function main(): Promise<void> {
  const command = process.argv[2];
  if (command === 'admin-token') return adminToken();
  if (command !== undefined) throw new ConfigError(`unknown command ${JSON.stringify(command)} (known: admin-token)`);
  const config = loadConfig();
  const propagation = propagationQueue();
  const app = await createApp(config, { propagation: propagation?.queue });
  // Close (database, Redis, DATA_DIR lock) then exit 0. Nest's enableShutdownHooks would re-raise
  // the signal instead, and the wasm schema engine leaves a timer that would delay a natural exit.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`control plane: ${signal}, shutting down`);
    app
      .close()
      .then(() => propagation?.close())
      .then(
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
    await app.listen({ port: config.port, host: config.host });
  } catch (e) {
    await app.close();
    await propagation?.close();
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
