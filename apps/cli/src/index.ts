export { run, buildProgram, VERSION } from './program.js';
export { Context, type Io, type GlobalOptions } from './context.js';
export { ApiClient, ApiError, type ApiErrorBody, type ApiClientOptions, type Fetch } from './api-client.js';
export { configPath, readConfig, writeConfig, resolveConnection, checkApiUrl, type StoredConfig, type Connection, type Env } from './config-store.js';
export { formatTable, formatFields, cell, type Column } from './table.js';
export { CliError, EXIT_FAILURE, EXIT_USAGE } from './errors.js';
export { resolverUrl } from './commands/server-config.js';
export type * from './api-types.js';
