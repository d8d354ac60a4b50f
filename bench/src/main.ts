/**
 * `npm run bench`: nats-server and the broker side by side, driven by the same raw-TCP load
 * generator in the same run. Progress goes to stderr; the table (or --json) to stdout.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse, USAGE, type Options } from './args.js';
import { json, markdown, type Cell, type Meta, type Row } from './report.js';
import { best, ceiling, log, measure, startSlot, type Slot } from './runner.js';
import type { Context, Scenario, ServerSetup } from './scenario.js';
import { scenarios } from './scenarios/index.js';
import { NATS_SERVER_BIN } from '@switchboard/testing';
import { startBroker, startFakeServer, startNatsServer, type ServerProcess } from './servers.js';

async function select(opts: Options): Promise<Scenario[]> {
  const known = [...scenarios];
  for (const file of opts.plugins) {
    const mod = (await import(pathToFileURL(path.resolve(file)).href)) as { default?: Scenario[] };
    if (!Array.isArray(mod.default)) throw new Error(`--plugin ${file}: its default export must be an array of scenarios`);
    known.push(...mod.default);
  }
  if (opts.scenarios === null) return known.filter((s) => s.byDefault);
  return opts.scenarios.map((name) => {
    const s = known.find((x) => x.name === name);
    if (!s) throw new Error(`--scenario: unknown '${name}' (known: ${known.map((x) => x.name).join(', ')})`);
    return s;
  });
}

function natsVersion(): string {
  try {
    return execFileSync(NATS_SERVER_BIN, ['--version'], { encoding: 'utf8' })
      .trim()
      .replace(/^nats-server: /, '');
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  let opts: Options;
  let chosen: Scenario[];
  try {
    opts = parse(process.argv.slice(2));
    chosen = await select(opts);
  } catch (err) {
    const help = (err as Error).message === USAGE;
    log(help ? USAGE : `${(err as Error).message}\n\n${USAGE}`);
    process.exitCode = help ? 0 : 2;
    return;
  }
  const cores = os.cpus().length; // before --pin narrows this process's affinity
  if (opts.pin) execFileSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
  const timing = { warmupMs: opts.warmupMs, measureMs: opts.measureMs };
  // One stand-in per subject and size, started on first use and kept to the end of the run.
  const standIns = new Map<string, Promise<ServerProcess>>();
  const standIn = (subject: string, size: number): Promise<ServerProcess> => {
    const key = `${subject} ${size}`;
    let s = standIns.get(key);
    if (s === undefined) standIns.set(key, (s = startFakeServer(subject, size, opts.pin)));
    return s;
  };
  const ctxFor = (slot: Slot): Context => ({ timing, log, verbose: opts.verbose, standIn, serverCpu: () => slot.server?.cpuSeconds() ?? NaN });
  // Ceiling runs: the "server" whose cost is reported is the generator process itself.
  const generatorCpu = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const generatorCtx: Context = { timing, log, verbose: opts.verbose, standIn, serverCpu: generatorCpu };
  const slots: Slot[] = [];
  const stopAll = (): Promise<unknown> =>
    Promise.all([
      ...slots.map((s) => s.server?.stop()),
      ...[...standIns.values()].map((p) =>
        p.then(
          (s) => s.stop(),
          () => undefined,
        ),
      ),
    ]);
  const onSignal = (): void => void stopAll().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const startPair = async (extra: string[]): Promise<[Slot, Slot]> => {
    const nats = await startSlot(opts.servers.includes('nats'), () => startNatsServer(opts.pin, extra), 'nats-server');
    slots.push(nats);
    const broker = await startSlot(opts.servers.includes('broker'), () => startBroker(opts.pin, extra, opts.brokerSource), 'broker');
    slots.push(broker);
    return [nats, broker];
  };
  try {
    // One pair of servers for every scenario that needs nothing special, started once.
    const shared = chosen.some((s) => !s.servers) ? await startPair([]) : null;
    let brokerStatus = shared?.[1] ?? null;
    let natsStarted = shared === null || shared[0].server !== null;
    const rows: Row[] = [];
    for (const s of chosen) {
      let nats: Slot;
      let broker: Slot;
      let setup: ServerSetup | null = null;
      if (s.servers) {
        setup = await s.servers();
        [nats, broker] = await startPair(setup.args);
        brokerStatus ??= broker;
        natsStarted &&= nats.server !== null;
      } else {
        [nats, broker] = shared!;
      }
      for (const size of s.sized ? opts.sizes : [0]) {
        log(`${s.name} ${size} B …`);
        const n: Array<Record<string, Cell>> = [];
        const b: Array<Record<string, Cell>> = [];
        const g: Array<Record<string, Cell>> = [];
        // Servers alternate within a cell (and across rounds), so a slow spell on the shared
        // machine hits both alike.
        for (let round = 0; round < opts.rounds; round++) {
          n.push(await measure(nats, s, size, ctxFor(nats)));
          b.push(await measure(broker, s, size, ctxFor(broker)));
          if (opts.ceiling && s.ceiling) g.push(await ceiling(s, size, generatorCtx));
        }
        for (const m of s.metrics) {
          rows.push({
            scenario: s.name,
            size: s.sized ? size : null,
            metric: m,
            nats: best(n, m),
            broker: best(b, m),
            generator: g.length > 0 ? best(g, m) : undefined,
          });
        }
      }
      if (setup) {
        await Promise.all([nats.server?.stop(), broker.server?.stop()]);
        await setup.dispose?.();
      }
    }
    const meta: Meta = {
      date: new Date().toISOString(),
      node: process.version,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores,
      natsServer: natsVersion(),
      broker:
        brokerStatus === null || brokerStatus.why === ''
          ? opts.brokerSource
            ? 'apps/broker, TypeScript source via tsx'
            : 'apps/broker, built'
          : brokerStatus.why,
      timing,
      rounds: opts.rounds,
      placement: opts.pin
        ? 'servers pinned to CPU 0, generator (main + publisher + subscriber threads) to CPU 1'
        : 'no pinning: server process and generator process (publisher and subscriber threads) share the cores',
    };
    process.stdout.write(`${opts.json ? json(rows, meta) : markdown(rows, meta)}\n`);
    if (!natsStarted && opts.servers.includes('nats')) process.exitCode = 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stopAll();
  }
}

await main();
