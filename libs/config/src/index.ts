export { ConfigError } from './errors.js';
export { parseConfig, parseConfigFile, type ConfigMap, type ParseOptions } from './parser.js';
export { stringifyConfig } from './stringify.js';
export { parseDuration, parseSize } from './units.js';
