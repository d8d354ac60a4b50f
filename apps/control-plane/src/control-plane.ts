// The control plane as other programs embed it (`npm start`'s stack, main.ts): explicit handles
// instead of Nest's injection tokens, and one close() for everything it opened.
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Database } from '@switchboard/db';
import type { PropagationQueue } from '@switchboard/issuer';
import { BullPropagationQueue, redisConnection, type PushObserver } from '@switchboard/propagation';
import type { Keyring } from '@switchboard/secrets';
import { createApp, type AppOptions } from './app.js';
import type { ControlPlaneConfig } from './config.js';
import { MetricsService } from './metrics/metrics.service.js';
import { OperatorService } from './operator/operator.service.js';
import { DATABASE, KEYRING } from './tokens.js';

export interface ControlPlane {
  /** The Nest app (inject, listen, getHttpServer). */
  app: NestFastifyApplication;
  /** The database it opened and migrated: an embedded PGlite folder admits one process, so an in-process worker shares this handle. */
  db: Database;
  keyring: Keyring;
  /** What a broker that trusts this control plane needs: the operator JWT and the system account's public key. */
  operator(): Promise<{ jwt: string; systemAccount: string }>;
  /** Give it to a worker in this process (`startWorker({ observer })`): its pushes show in /metrics. */
  pushObserver: PushObserver;
  /** A new operator-admin API token (audited). */
  mintAdminToken(name: string): Promise<string>;
  listen(port: number, host: string): Promise<void>;
  /** Closes the app (database, Redis) and a propagation queue it made itself. */
  close(): Promise<void>;
}

/** Announces nothing: without Redis, brokers get account JWTs from the URL resolver only. */
class NoPropagation implements PropagationQueue {
  enqueueAccount(): Promise<void> {
    return Promise.resolve();
  }
  enqueueAccounts(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Starts the control plane. Account JWT changes go to `opts.propagation` when given; else, with
 * `config.redisUrl`, to the worker's BullMQ queue there (`config.queuePrefix`); else nowhere (logged).
 */
export async function createControlPlane(config: ControlPlaneConfig, opts: AppOptions = {}): Promise<ControlPlane> {
  let owned: { queue: BullPropagationQueue; close(): Promise<void> } | undefined;
  let propagation = opts.propagation;
  if (!propagation && config.redisUrl) {
    const connection = redisConnection(config.redisUrl);
    connection.on('error', () => {}); // reported by the control plane's own Redis client
    const queue = new BullPropagationQueue({ connection, ...(config.queuePrefix ? { prefix: config.queuePrefix } : {}) });
    owned = { queue, close: async () => (await queue.close(), connection.disconnect()) };
    propagation = queue;
  } else if (!propagation) {
    new Logger('ControlPlane').warn('REDIS_URL unset: account JWT changes are not pushed to brokers (they fetch them from /jwt/v1)');
    propagation = new NoPropagation();
  }
  let app: NestFastifyApplication;
  try {
    app = await createApp(config, { ...opts, propagation });
  } catch (e) {
    await owned?.close();
    throw e;
  }
  const operator = app.get(OperatorService);
  return {
    app,
    db: app.get<symbol, Database>(DATABASE),
    keyring: app.get<symbol, Keyring>(KEYRING),
    pushObserver: app.get(MetricsService),
    async operator() {
      const v = await operator.view();
      return { jwt: v.jwt, systemAccount: v.systemAccount.publicKey };
    },
    mintAdminToken: (name) => operator.mintAdminToken(name),
    async listen(port, host) {
      await app.listen({ port, host });
    },
    async close() {
      await app.close();
      await owned?.close();
    },
  };
}
