// What the usage and quota tests share: an operator-mode broker in this process that publishes
// account usage every 100 ms, a fresh database, and worker options that reach both (the system
// user's creds, a Redis prefix of this run whose keys leave with the rig).
import { parseConfig } from '@switchboard/config';
import { startBroker, type Broker } from '@switchboard/broker';
import { formatCreds } from '@switchboard/nats-jwt';
import { StaticBrokers } from '@switchboard/propagation';
import { optionsFromConfig } from '@switchboard/server';
import {
  dropRedisKeys,
  makeOperator,
  operatorConfig,
  REDIS_URL,
  redisPrefix,
  testDatabase,
  type OperatorFixture,
  type TestDatabase,
} from '@switchboard/testing';
import type { StartWorkerOptions } from '../src/index.js';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

export interface UsageRig {
  fx: OperatorFixture;
  broker: Broker;
  fresh: TestDatabase;
  /** startWorker's options for this rig: usage read every 200 ms, logs silenced; `extra` adds or overrides. */
  workerOptions(extra?: Partial<StartWorkerOptions>): StartWorkerOptions;
  close(): Promise<void>;
}

export async function startUsageRig(name: string): Promise<UsageRig> {
  const fx = await makeOperator();
  const prefix = redisPrefix(name);
  const { options } = optionsFromConfig(parseConfig(operatorConfig(fx)));
  const [broker, fresh] = await Promise.all([startBroker({ ...options, host: '127.0.0.1', port: 0, accountUsageInterval: 100 }), testDatabase()]);
  return {
    fx,
    broker,
    fresh,
    workerOptions: (extra = {}) => ({
      redisUrl: REDIS_URL,
      db: fresh.db.prisma,
      brokers: new StaticBrokers([`nats://127.0.0.1:${broker.port}`]),
      systemCreds: formatCreds(fx.users.sys.jwt, new TextDecoder().decode(fx.users.sys.key.getSeed())),
      queuePrefix: prefix,
      log: quiet,
      usageRefreshMs: 200,
      ...extra,
    }),
    async close() {
      await dropRedisKeys(prefix);
      await broker.close();
      await fresh.drop();
    },
  };
}
