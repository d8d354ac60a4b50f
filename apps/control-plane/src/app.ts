// Builds the control plane's Nest app: open the database, migrate, load the master key, connect
// Redis (when configured), start Nest. Embedders use createControlPlane (control-plane.ts).
import 'reflect-metadata';
import { Logger, type LoggerService, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import fastifyStatic from '@fastify/static';
import { Redis } from 'ioredis';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { openDatabase, type Database } from '@switchboard/db';
import { loadKeyring } from '@switchboard/secrets';
import { RecordingPropagationQueue, type PropagationQueue } from '@switchboard/issuer';
import { AppModule } from './app.module.js';
import { ErrorFilter } from './common/error.filter.js';
import { acceptJsonBodiesOnly } from './common/json-only.js';
import { withErrorResponses } from './common/openapi.js';
import type { ControlPlaneConfig } from './config.js';
import { MetricsService } from './metrics/metrics.service.js';

export interface AppOptions {
  logger?: LoggerService | LogLevel[] | false;
  /** Where account JWT changes are announced; default: a RecordingPropagationQueue (no worker). */
  propagation?: PropagationQueue;
}

export async function createApp(config: ControlPlaneConfig, opts: AppOptions = {}): Promise<NestFastifyApplication> {
  const log = new Logger('ControlPlane');
  if (opts.logger !== undefined) Logger.overrideLogger(opts.logger);
  let db: Database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  let redis: Redis | null = null;
  try {
    const applied = await db.migrate();
    log.log(`database ${db.location}: ${applied.length ? `applied ${applied.join(', ')}` : 'schema up to date'}`);
    if (db.kind === 'pglite' && applied.length > 0) {
      // Creating and migrating an embedded database grows its WebAssembly memory (which never
      // shrinks) to ~600 MB resident; a fresh instance on the migrated files starts at the
      // restart's ~280 MB (docs/footprint.md).
      await db.close();
      db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      // The old instance's memory goes back to the OS only when V8 collects it, and an idle
      // process may not collect for hours: one full collection now (Node's documented route to
      // gc() without --expose-gc on the command line).
      setFlagsFromString('--expose-gc');
      (runInNewContext('gc') as () => void)();
    }
    const { keyring, source } = loadKeyring({
      masterKey: config.masterKey,
      keyFile: config.masterKeyFile,
      dataDir: config.databaseUrl ? undefined : config.dataDir,
      // Only a database without sealed seeds may get a fresh embedded key.
      createIfMissing: !(await holdsSeeds(db)),
    });
    log.log(`master key ${keyring.currentKeyId} (${source === 'env' ? 'from SWITCHBOARD_MASTER_KEY' : source})`);

    if (config.redisUrl) redis = connectRedis(config.redisUrl, log);
    const app = await NestFactory.create<NestFastifyApplication>(
      AppModule.register({ config, db, redis, keyring, propagation: opts.propagation ?? new RecordingPropagationQueue() }),
      // nats-server's URL resolver probes its base URL with the trailing slash (/jwt/v1/accounts/).
      new FastifyAdapter({ routerOptions: { ignoreTrailingSlash: true } }),
      { logger: opts.logger, abortOnError: false },
    );
    app.useGlobalFilters(new ErrorFilter());
    acceptJsonBodiesOnly(app.getHttpAdapter().getInstance());
    app.get(MetricsService).instrument(app.getHttpAdapter().getInstance());
    const doc = new DocumentBuilder()
      .setTitle('Switchboard control plane')
      .setDescription('Tenants, NATS accounts and users, credentials')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build();
    SwaggerModule.setup('docs', app, () => withErrorResponses(SwaggerModule.createDocument(app, doc)));
    if (config.consoleDir) await serveConsole(app, config.consoleDir);
    await app.init();
    return app;
  } catch (e) {
    redis?.disconnect();
    await db.close();
    throw e;
  }
}

/**
 * The web console's built files at / (same origin as /v1, so the session cookie and CSRF header
 * need no CORS). One route per file found at start (no catch-all: the console routes by #hash),
 * so API routes and 404s are untouched. The CSP keeps every script, style and request on this origin.
 */
async function serveConsole(app: NestFastifyApplication, root: string): Promise<void> {
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    decorateReply: false,
    setHeaders: (res) => {
      void res.header(
        'content-security-policy',
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
      );
      void res.header('x-content-type-options', 'nosniff');
      void res.header('referrer-policy', 'no-referrer');
    },
  });
}

async function holdsSeeds(db: Database): Promise<boolean> {
  const p = db.prisma;
  const counts = await Promise.all([p.operator.count(), p.operatorSigningKey.count(), p.account.count(), p.accountSigningKey.count()]);
  return counts.some((n) => n > 0);
}

// Commands fail at once while Redis is unreachable (no offline queue), so /healthz answers fast;
// the client keeps reconnecting in the background and logs each outage once.
function connectRedis(url: string, log: Logger): Redis {
  const redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  let down = false;
  redis.on('error', (e: Error) => {
    if (!down) log.warn(`redis ${redactUrl(url)}: ${e.message}`);
    down = true;
  });
  redis.on('ready', () => {
    if (down) log.log(`redis ${redactUrl(url)}: connected`);
    down = false;
  });
  redis.connect().catch(() => {}); // reported through 'error'
  return redis;
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid REDIS_URL)';
  }
}
