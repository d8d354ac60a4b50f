export { ConfigError } from './errors.js';
export { parseConfig, parseConfigFile, positionOf, type ConfigMap, type ConfigPosition, type ParseOptions } from './parser.js';
export { stringifyConfig } from './stringify.js';
export { parseDuration, parseSize } from './units.js';
export { silentLog, type Logger } from './logger.js';
