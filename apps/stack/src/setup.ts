// Files for nodes run apart from the control plane (compose, Kubernetes init containers):
//   setup broker-config --api <control plane URL> --out <file>   (public data only)
//   setup system-creds --out <file>                              (DATABASE_URL + master key)
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const USAGE = 'usage: setup broker-config --api <url> --out <file> | setup system-creds --out <file>\n';

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { api: { type: 'string' }, out: { type: 'string' } } });
  const [command] = positionals;
  if (!values.out || positionals.length !== 1) throw new UsageError(USAGE);
  if (command === 'broker-config') {
    if (!values.api) throw new UsageError(USAGE);
    const { brokerConfig } = await import('./broker-config.js');
    writeFileSync(values.out, await brokerConfig(values.api), { mode: 0o644 });
  } else if (command === 'system-creds') {
    writeFileSync(values.out, await readSystemCreds(), { mode: 0o600 });
  } else {
    throw new UsageError(USAGE);
  }
  process.stderr.write(`setup: wrote ${values.out}\n`);
}

async function readSystemCreds(): Promise<string> {
  const [{ openDatabase }, { loadKeyring, keyringSourceFromEnv }, { systemIdentity }] = await Promise.all([
    import('@switchboard/db'),
    import('@switchboard/secrets'),
    import('./system-creds.js'),
  ]);
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const dataDir = databaseUrl ? undefined : process.env.DATA_DIR || '.data';
  const db = await openDatabase({ ...(databaseUrl ? { databaseUrl } : {}), ...(dataDir ? { dataDir } : {}) });
  try {
    const { keyring } = loadKeyring({ ...keyringSourceFromEnv(process.env, dataDir), createIfMissing: false });
    return (await systemIdentity(db.prisma, keyring)).creds;
  } finally {
    await db.close();
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(e instanceof UsageError ? e.message : `setup: ${(e as Error).message}\n`);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
