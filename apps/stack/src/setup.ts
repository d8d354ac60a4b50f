// The config file for a broker run apart from the control plane (compose, Kubernetes init
// containers): `setup broker-config --api <control plane URL> --out <file>` (public data only).
// A separate worker needs no file: it reads the system user's creds from the database itself.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { brokerConfig } from './broker-config.js';

const USAGE = 'usage: setup broker-config --api <url> --out <file>\n';

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { api: { type: 'string' }, out: { type: 'string' } } });
  if (positionals.length !== 1 || positionals[0] !== 'broker-config' || !values.api || !values.out) throw new UsageError(USAGE);
  writeFileSync(values.out, await brokerConfig(values.api), { mode: 0o644 });
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
