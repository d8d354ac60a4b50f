export { startStack, type RunningStack, type StartStackOptions } from './stack.js';
export { loadStackConfig, StackConfigError, type StackConfig } from './config.js';
export { provideRedis, RedisMissingError, INSTALL_HINT, type RedisHandle, type ProvideRedisOptions } from './redis.js';
export { checkPortFree, checkStackPorts, freePort, PortInUseError } from './ports.js';
export { banner } from './banner.js';
export { brokerConfig, type BrokerConfigOptions } from './broker-config.js';
