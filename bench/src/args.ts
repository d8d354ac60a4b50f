import { parseArgs } from 'node:util';

export interface Options {
  quick: boolean;
  json: boolean;
  scenarios: string[] | null;
  sizes: number[];
  servers: Array<'nats' | 'broker'>;
  ceiling: boolean;
  pin: boolean;
  verbose: boolean;
  rounds: number;
  /** Modules whose default export (Scenario[]) joins the built-in scenarios. */
  plugins: string[];
  warmupMs: number;
  measureMs: number;
  /** Run the broker from its TypeScript source through tsx (tests) instead of the build in apps/broker/dist. */
  brokerSource: boolean;
}

export const USAGE = `npm run bench -- [options]
  --quick              ~20 s smoke run: 128 B only, short windows
  --scenario a,b       only these scenarios (pub, pubsub, fanout, queue, request, request-c8, auth)
  --size 16,128,1024   payload sizes in bytes
  --servers nats,broker  which servers to measure (default both)
  --no-ceiling         skip the generator-max runs
  --pin                pin servers to CPU 0 and the generator to CPU 1 (taskset)
  --rounds n           measure each cell n times (servers alternating), keep the best (default 2; quick 1)
  --warmup ms / --measure ms   per-cell windows (default 400 / 1000; quick 200 / 500)
  --plugin file.ts     load more scenarios (the module's default export: Scenario[])
  --verbose            log each measurement slice's rate to stderr
  --json               print JSON instead of the markdown table
  --broker-source      run the broker from its TypeScript source (tsx) instead of apps/broker/dist (npm run build)`;

/** Parses the command line; throws with a readable message on a bad flag. */
export function parse(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      scenario: { type: 'string' },
      size: { type: 'string' },
      servers: { type: 'string', default: 'nats,broker' },
      'no-ceiling': { type: 'boolean', default: false },
      pin: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      plugin: { type: 'string', multiple: true },
      warmup: { type: 'string' },
      measure: { type: 'string' },
      'broker-source': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new Error(USAGE);
  const list = (s: string | undefined): string[] | null =>
    s === undefined
      ? null
      : s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean);
  const positive = (s: string, what: string): number => {
    const n = Number(s);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${what}: expected a positive integer, got '${s}'`);
    return n;
  };
  const servers = list(values.servers) ?? [];
  for (const s of servers) if (s !== 'nats' && s !== 'broker') throw new Error(`--servers: unknown server '${s}'`);
  const quick = values.quick;
  return {
    quick,
    json: values.json,
    scenarios: list(values.scenario),
    sizes: (list(values.size) ?? (quick ? ['128'] : ['16', '128', '1024'])).map((s) => positive(s, '--size')),
    servers: servers as Options['servers'],
    ceiling: !values['no-ceiling'],
    pin: values.pin,
    verbose: values.verbose,
    plugins: values.plugin ?? [],
    rounds: values.rounds ? positive(values.rounds, '--rounds') : quick ? 1 : 2,
    warmupMs: values.warmup ? positive(values.warmup, '--warmup') : quick ? 200 : 400,
    measureMs: values.measure ? positive(values.measure, '--measure') : quick ? 500 : 1000,
    brokerSource: values['broker-source'],
  };
}
