// The broker process: flags and config file → options, logging, listeners, signals.
import { setFlagsFromString } from 'node:v8';
import { ConfigError, parseConfigFile } from '@switchboard/config';
import {
  createTlsContext,
  defaultClusterOptions,
  defaultJetStreamOptions,
  defaultOptions,
  optionsFromConfig,
  PROTOCOL_VERSION,
  ServerLogger,
  validateLeafNodes,
  type ServerOptions,
} from '@switchboard/server';
import { startBroker, type Broker } from './broker.js';
import { withClusterFlags } from './cluster-flags.js';
import { collectAfterSlowConsumers } from './slow-consumer-gc.js';
import { FlagError, parseFlags, USAGE, type Flags } from './flags.js';

const VERSION = '0.1.0';

function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

async function main(argv: string[]): Promise<void> {
  let flags: Flags;
  try {
    flags = parseFlags(argv);
  } catch (err) {
    if (err instanceof FlagError) fail(`${err.message}\nRun with -h for the list of options.`, 2);
    throw err;
  }
  if (flags.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (flags.version) {
    process.stdout.write(`switchboard-broker: v${VERSION} (NATS protocol of nats-server ${PROTOCOL_VERSION})\n`);
    return;
  }

  let options: Partial<ServerOptions> = {};
  const warnings: string[] = [];
  if (flags.configFile) {
    try {
      const r = optionsFromConfig(parseConfigFile(flags.configFile));
      options = r.options;
      warnings.push(...r.warnings);
    } catch (err) {
      // As nats-server: `<file>:<line>:<column>: <reason>` when the position is known.
      if (err instanceof ConfigError) fail(`broker: ${err.file !== undefined || err.line > 0 ? err.message : `${flags.configFile}: ${err.message}`}`, 1);
      throw err;
    }
  }
  // As nats-server: flags given on the command line override the config file.
  options = { ...options, ...flags.options };
  try {
    options.cluster = withClusterFlags(options.cluster ?? defaultClusterOptions(), flags.cluster);
  } catch (err) {
    fail(`broker: ${(err as Error).message}`, 1);
  }
  if (flags.jetstream.enabled !== undefined || flags.jetstream.storeDir !== undefined) {
    options.jetstream = { ...(options.jetstream ?? defaultJetStreamOptions()), ...flags.jetstream };
  }
  // nats-server gives auth a timeout past the TLS handshake unless one is configured.
  if (options.tls && options.authTimeout === undefined) options.authTimeout = options.tls.timeout + 1_000;
  // Certificates named by --tls* flags are checked here too, as nats-server does before starting.
  if (options.tls) {
    try {
      createTlsContext(options.tls);
    } catch (err) {
      fail(`broker: ${(err as Error).message}`, 1);
    }
  }
  if (flags.testConfig) {
    process.stderr.write(
      flags.configFile ? `broker: configuration file ${flags.configFile} is valid\n` : 'broker: no configuration file given (-c); flags are valid\n',
    );
    return;
  }

  // As nats-server: -t reads the file; cross-checks (accounts a leaf names, operator mode) run at start.
  try {
    const o = { ...defaultOptions(), ...options };
    validateLeafNodes(
      o.leafnodes,
      o.accounts.map((a) => a.name),
      o.operators.length > 0,
      o.systemAccount,
    );
  } catch (err) {
    fail(`broker: ${(err as Error).message}`, 1);
  }

  const logger = new ServerLogger({
    debug: options.debug ?? false,
    trace: options.trace ?? false,
    time: options.logtime ?? true,
    file: options.logFile ?? '',
  });
  logger.log('INF', 'Starting switchboard broker');
  logger.log('INF', `  Version:  ${VERSION} (protocol ${PROTOCOL_VERSION})`);
  if (flags.configFile) logger.log('INF', `Using configuration file: ${flags.configFile}`);
  for (const w of warnings) logger.log('WRN', w);

  let broker: Broker;
  try {
    broker = await startBroker(options, { logger });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    // Socket errors carry a code; anything else failed before listening (e.g. the account resolver's directory).
    logger.log('FTL', e.code ? `Error listening on port: ${e.message}` : `Error starting the broker: ${e.message}`);
    process.exit(1);
  }

  collectAfterSlowConsumers(broker.server);
  // Maglev, V8's middle tier, compiles on worker threads whose malloc arenas keep ~8–10 MB once
  // the first clients have made it compile the connection path; hot code still gets TurboFan.
  // Turned off only now: a flag changed before start-up makes V8 refuse the code caches of Node's
  // own modules and of the bundle (+5.6 MB idle RSS measured; docs/footprint.md).
  setFlagsFromString('--no-maglev');

  let stopping = false;
  const stop = (signal: string): void => {
    logger.log('INF', `Trapped "${signal}" signal`);
    if (stopping) return;
    stopping = true;
    void broker.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('interrupt'));
  process.on('SIGTERM', () => stop('terminated'));
  process.on('SIGUSR2', () => {
    if (stopping) return;
    stopping = true;
    void broker.lameDuck().then(() => process.exit(0));
  });
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`broker: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
