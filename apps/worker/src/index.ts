export {
  startEmbeddedWorker,
  type RunningEmbeddedWorker,
  type StartEmbeddedWorkerOptions,
  startWorker,
  checkRedis,
  RedisUnavailableError,
  type StartWorkerOptions,
  type RunningWorker,
} from './worker.js';
export { loadWorkerConfig, WorkerConfigError, type WorkerConfig } from './config.js';
