export { createControlPlane, type ControlPlane } from './control-plane.js';
export { createApp, type AppOptions } from './app.js';
export { loadConfig, ConfigError, type ControlPlaneConfig } from './config.js';
export type { ErrorBody } from './common/error.filter.js';
export type { Health } from './health/health.schema.js';
