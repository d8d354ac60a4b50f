// Resources opened before Nest starts (config, database, Redis, keyring, propagation queue), closed
// when the app closes. Global because they are infrastructure every module reads, as Nest's own
// ConfigModule.forRoot({ isGlobal }); services are exported by their feature modules instead.
import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Database } from '@switchboard/db';
import type { Keyring } from '@switchboard/secrets';
import type { PropagationQueue } from '@switchboard/issuer';
import type { ControlPlaneConfig } from './config.js';
import { CONFIG, DATABASE, KEYRING, PROPAGATION, REDIS } from './tokens.js';

export interface CoreResources {
  config: ControlPlaneConfig;
  db: Database;
  /** null without REDIS_URL (see ControlPlaneConfig.redisUrl; `npm start`'s embedded mode). */
  redis: Redis | null;
  keyring: Keyring;
  /** Where account JWT changes are announced (the worker's BullMQ queue in production). */
  propagation: PropagationQueue;
}

@Injectable()
class Closer implements OnApplicationShutdown {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    this.redis?.disconnect();
    await this.db.close();
  }
}

@Global()
@Module({})
export class CoreModule {
  static register(r: CoreResources): DynamicModule {
    const providers = [
      { provide: CONFIG, useValue: r.config },
      { provide: DATABASE, useValue: r.db },
      { provide: REDIS, useValue: r.redis },
      { provide: KEYRING, useValue: r.keyring },
      { provide: PROPAGATION, useValue: r.propagation },
    ];
    return { module: CoreModule, providers: [...providers, Closer], exports: providers.map((p) => p.provide) };
  }
}
