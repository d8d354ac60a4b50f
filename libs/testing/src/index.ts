export { freePort } from './ports.js';
export { canConnect, poll, waitFor, waitForHttp, waitForPort } from './wait.js';
export { REPO_ROOT, TSX_LOADER, TSX_NODE_ARGS } from './repo.js';
export { runCli, startChild, startControlPlaneProcess, startStackProcess, startTsx, type Child, type CliResult } from './child.js';
export {
  NATS_SERVER_BIN,
  startBoth,
  startBrokerProcess,
  startNatsServer,
  startServer,
  jetStreamConfig,
  type RunningServer,
  type ServerKind,
  type ServerOptions,
} from './servers.js';
export { RawClient } from './raw-client.js';
export { fullResolver, operatorModeConfig, type OperatorModeConfig } from './operator-config.js';
export {
  makeOperator,
  noPings,
  nonceOf,
  nowSec,
  operatorConfig,
  rawAs,
  rawConnect,
  sign,
  UNLIMITED,
  user,
  type Cred,
  type OperatorFixture,
} from './operator-fixture.js';
export { testDatabase, type TestDatabase } from './postgres.js';
export { dropRedisKeys, REDIS_URL, redisPrefix } from './redis.js';
export { randomAccountKey, World, type TestAccount } from './world.js';
export { parsePrometheus, sampleValue, type Exposition, type MetricFamily, type Sample } from './prometheus.js';
export { makeCerts, type CertSet } from './tls-certs.js';
