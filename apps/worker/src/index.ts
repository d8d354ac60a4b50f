export { startEmbeddedWorker, type RunningEmbeddedWorker, type StartEmbeddedWorkerOptions, startWorker, checkRedis, RedisUnavailableError, type StartWorkerOptions, type RunningWorker } from './worker.js';
export { loadWorkerConfig, WorkerConfigError, type WorkerConfig } from './config.js';
export { systemCredsFromDb, SystemCredsError } from './system-creds.js';
export { operatorSignerFromDb } from './operator-signer.js';
