// The config file for a broker run apart from the control plane (compose, Kubernetes init
// containers): `setup broker-config --api <control plane URL> --out <file>` (public data only).
// Brokers keep fetched account JWTs in `resolver_cache_dir` (default $DATA_DIR/jwt-cache, a volume
// in infra/): without it a broker restarted during a control-plane outage admits no tenant.
// `--no-cache-dir` writes the form the real nats-server accepts. JetStream is on, its store in
// `--store-dir` (default $DATA_DIR/jetstream, the same volume); `--no-jetstream` leaves it off.
// A separate worker needs no file: it reads the system user's creds from the database itself.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { brokerConfig } from './broker-config.js';
import { dataDirFrom } from './config.js';

const USAGE = 'usage: setup broker-config --api <url> --out <file> [--cache-dir <dir> | --no-cache-dir] [--store-dir <dir> | --no-jetstream]\n';

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      api: { type: 'string' },
      out: { type: 'string' },
      'cache-dir': { type: 'string' },
      'no-cache-dir': { type: 'boolean', default: false },
      'store-dir': { type: 'string' },
      'no-jetstream': { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1 || positionals[0] !== 'broker-config' || !values.api || !values.out) throw new UsageError(USAGE);
  if (values['no-cache-dir'] && values['cache-dir'] !== undefined) throw new UsageError(USAGE);
  if (values['no-jetstream'] && values['store-dir'] !== undefined) throw new UsageError(USAGE);
  // Absolute: the broker may run from another working directory (it is the broker's path, not ours).
  const cacheDir = values['no-cache-dir'] ? undefined : path.resolve(values['cache-dir'] ?? path.join(dataDirFrom(), 'jwt-cache'));
  const storeDir = values['no-jetstream'] ? undefined : path.resolve(values['store-dir'] ?? path.join(dataDirFrom(), 'jetstream'));
  const opts = { ...(cacheDir !== undefined ? { cacheDir } : {}), ...(storeDir !== undefined ? { storeDir } : {}) };
  writeFileSync(values.out, await brokerConfig(values.api, opts), { mode: 0o644 });
  process.stderr.write(`setup: wrote ${values.out}\n`);
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(e instanceof UsageError ? e.message : `setup: ${(e as Error).message}\n`);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
