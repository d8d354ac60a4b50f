// `npm run bench:footprint`: start-up time and memory of the built broker next to nats-server,
// and of the idle stack (`npm start`'s process). Every figure is read from /proc/<pid>/status
// (VmRSS) of the server process itself, never from this process.
//
//   start-up        spawn → the client port accepts a TCP connection (median of --runs), plain
//                   (no monitoring port); bare node listening on a port is measured beside it
//   idle RSS        a second after the port accepts, no clients, plain
//   per connection  (RSS with --conns idle clients, CONNECT+PING answered) − idle RSS, / --conns
//                   (from here on the server runs with monitoring on: -m)
//   slow consumers  ten subscribers that never read while a publisher sends 64 KiB messages until
//                   the server has cut all ten (varz slow_consumers); RSS at its peak, and once the
//                   ten are gone (RSS sampled until it stops falling, at most --settle ms)
//   idle stack      `node apps/stack/dist/main.js` on fresh ports and DATA_DIR, 3 s after its banner
//
// --source runs the broker and the stack through their TypeScript loaders (tsx, swc-node), as
// `npm run broker` / `npm start` did before the build was shipped: the "before" column.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, NATS_SERVER_BIN } from '@switchboard/testing';
import { BROKER_BUILT, BROKER_ENV, REPO } from './servers.js';

const HOST = '127.0.0.1';
/** --raw-malloc: glibc's default malloc settings instead of the ones the image and npm scripts use. */
let rawMalloc = false;

interface Options {
  runs: number;
  conns: number;
  slow: number;
  settleMs: number;
  source: boolean;
  stack: boolean;
  json: boolean;
  /** Extra node flags for the broker (experiments: --max-semi-space-size=1, --expose-gc …). */
  nodeFlags: string[];
  rawMalloc: boolean;
}

function options(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string', default: '5' },
      conns: { type: 'string', default: '1000' },
      slow: { type: 'string', default: '10' },
      settle: { type: 'string', default: '15000' },
      source: { type: 'boolean', default: false },
      'no-stack': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'node-flags': { type: 'string', default: '' },
      'raw-malloc': { type: 'boolean', default: false },
    },
  });
  return {
    runs: Number(values.runs),
    conns: Number(values.conns),
    slow: Number(values.slow),
    settleMs: Number(values.settle),
    source: values.source,
    stack: !values['no-stack'],
    json: values.json,
    nodeFlags: values['node-flags'].split(/\s+/).filter(Boolean),
    rawMalloc: values['raw-malloc'],
  };
}

/** `node`: bare node listening on a port, the floor under the broker's start-up and memory. */
type Kind = 'broker' | 'nats-server' | 'node';

interface Proc {
  child: ChildProcess;
  port: number;
  httpPort: number;
  startMs: number;
  /** CPU the server process used up to that moment (user + system): what start-up costs on a busy machine. */
  startCpuMs: number;
  stop(): Promise<void>;
}

function command(kind: Kind, source: boolean, port: number, httpPort: number, nodeFlags: string[]): [string, string[]] {
  const args = ['-a', HOST, '-p', String(port), ...(httpPort ? ['-m', String(httpPort)] : [])];
  if (kind === 'nats-server') return [NATS_SERVER_BIN, args];
  if (kind === 'node') return [process.execPath, ['-e', `require('node:net').createServer().listen(${port}, '${HOST}')`]];
  return source
    ? [process.execPath, [...nodeFlags, '--conditions=@switchboard/source', '--import', 'tsx', 'apps/broker/src/main.ts', ...args]]
    : [process.execPath, [...nodeFlags, BROKER_BUILT, ...args]];
}

/** `monitor`: with a monitoring port (-m), which the slow-consumer phase reads /varz from. */
async function startServer(kind: Kind, source: boolean, nodeFlags: string[] = [], monitor = false): Promise<Proc> {
  const [port, httpPort] = [await freePort(), monitor ? await freePort() : 0];
  const [cmd, args] = command(kind, source, port, httpPort, nodeFlags);
  const t0 = performance.now();
  const child = spawn(cmd, args, {
    cwd: REPO,
    env: { ...process.env, ...(kind === 'broker' && !rawMalloc ? BROKER_ENV : {}) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (b: Buffer) => void (log = (log + b.toString()).slice(-2000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${kind} exited: ${log}`);
    if (await accepts(port)) break;
    if (performance.now() - t0 > 30_000) throw new Error(`${kind} not listening after 30 s: ${log}`);
  }
  const startMs = performance.now() - t0;
  return {
    child,
    port,
    httpPort,
    startMs,
    startCpuMs: cpuMs(child.pid!),
    async stop() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, HOST);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => setTimeout(() => resolve(false), 1));
  });
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** User + system CPU of a process, from /proc/<pid>/stat (fields 14 and 15, in 1/100 s). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A client that sent CONNECT + PING and got its PONG. */
function client(port: number, subscribe?: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, HOST);
    let text = '';
    s.setNoDelay(true);
    s.once('error', reject);
    s.on('data', function onData(b: Buffer) {
      text += b.toString('latin1');
      if (text.includes('PONG\r\n')) {
        s.off('data', onData);
        resolve(s);
      }
    });
    s.write(`CONNECT {"verbose":false,"pedantic":false}\r\n${subscribe ? `SUB ${subscribe} 1\r\n` : ''}PING\r\n`);
  });
}

async function varz(p: Proc): Promise<{ slow_consumers: number }> {
  return (await (await fetch(`http://${HOST}:${p.httpPort}/varz`)).json()) as { slow_consumers: number };
}

interface ServerFigures {
  startMs: number[];
  startCpuMs: number[];
  idleMb: number;
  /** Idle RSS of the process with monitoring on, before any client: where the slow-consumer figures start. */
  monitoredIdleMb: number;
  perConnKb: number;
  slowPeakMb: number;
  slowAfterMb: number;
  slowCut: number;
}

async function measureServer(kind: Kind, o: Options): Promise<ServerFigures> {
  const startMs: number[] = [];
  const startCpuMs: number[] = [];
  let plainIdleMb = NaN;
  for (let i = 0; i < o.runs; i++) {
    const p = await startServer(kind, o.source, o.nodeFlags);
    startMs.push(p.startMs);
    startCpuMs.push(p.startCpuMs);
    if (i < o.runs - 1) await p.stop();
    else {
      await sleep(1000);
      plainIdleMb = rssMb(p.child.pid!);
      await p.stop();
    }
  }
  if (kind === 'node') return { startMs, startCpuMs, idleMb: plainIdleMb, monitoredIdleMb: NaN, perConnKb: NaN, slowPeakMb: NaN, slowAfterMb: NaN, slowCut: 0 };
  const p = await startServer(kind, o.source, o.nodeFlags, true);
  try {
    const pid = p.child.pid!;
    await sleep(1000);
    const idleMb = rssMb(pid);
    const socks: net.Socket[] = [];
    for (let i = 0; i < o.conns; i += 50) socks.push(...(await Promise.all(Array.from({ length: Math.min(50, o.conns - i) }, () => client(p.port)))));
    await sleep(1000);
    const perConnKb = ((rssMb(pid) - idleMb) * 1024) / o.conns;
    for (const s of socks) s.destroy();
    await sleep(1000);

    // Slow consumers: subscribers that stop reading; a publisher floods until all are cut.
    const before = rssMb(pid);
    const slow = await Promise.all(Array.from({ length: o.slow }, () => client(p.port, 'slow')));
    for (const s of slow) s.pause();
    const pub = await client(p.port);
    const payload = Buffer.alloc(64 * 1024, 0x61);
    const frame = Buffer.concat([Buffer.from(`PUB slow ${payload.length}\r\n`), payload, Buffer.from('\r\n')]);
    let peak = before;
    let sent = 0;
    const deadline = Date.now() + 60_000;
    while ((await varz(p)).slow_consumers < o.slow && Date.now() < deadline && !pub.destroyed) {
      for (let i = 0; i < 64; i++) if (!pub.write(frame)) await new Promise((r) => pub.once('drain', r));
      sent += 64;
      peak = Math.max(peak, rssMb(pid));
    }
    const slowCut = (await varz(p)).slow_consumers;
    peak = Math.max(peak, rssMb(pid));
    pub.destroy();
    for (const s of slow) s.destroy();
    // Settled: RSS has not fallen by more than 1 MB over the last two seconds.
    const settleEnd = Date.now() + o.settleMs;
    const samples: number[] = [];
    while (Date.now() < settleEnd) {
      samples.push(rssMb(pid));
      if (samples.length > 8 && samples[samples.length - 9]! - samples[samples.length - 1]! < 1) break;
      await sleep(250);
    }
    void sent;
    return {
      startMs,
      startCpuMs,
      idleMb: plainIdleMb,
      monitoredIdleMb: idleMb,
      perConnKb,
      slowPeakMb: peak,
      slowAfterMb: samples[samples.length - 1]!,
      slowCut,
    };
  } finally {
    await p.stop();
  }
}

async function stackOnce(source: boolean, dir: string, ports: number[]): Promise<{ startMs: number; idleMb: number }> {
  const env = {
    ...process.env,
    ...(rawMalloc ? {} : BROKER_ENV),
    HOST,
    PORT: String(ports[0]),
    NATS_PORT: String(ports[1]),
    NATS_HTTP_PORT: String(ports[2]),
    DATA_DIR: path.join(dir, 'data'),
    DATABASE_URL: '',
    QUEUE_PREFIX: `sb-footprint-${process.pid}`,
    SWC_NODE_PROJECT: 'apps/stack/tsconfig.json',
  };
  const args = source
    ? ['--conditions=@switchboard/source', '--import', '@swc-node/register/esm-register', 'apps/stack/src/main.ts']
    : ['--liftoff-only', 'apps/stack/dist/main.js']; // as `npm start` and the image run it
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let out = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const onData = (b: Buffer): void => {
        out += b.toString();
        if (out.includes('Ctrl-C stops everything')) resolve();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', () => reject(new Error(`the stack exited:\n${out.slice(-2000)}`)));
      setTimeout(() => reject(new Error(`no banner within 120 s:\n${out.slice(-2000)}`)), 120_000).unref();
    });
    const startMs = performance.now() - t0;
    await sleep(3000);
    return { startMs, idleMb: rssMb(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

/** The stack's first start (creates and migrates the database), then a restart on the same data. */
async function measureStack(source: boolean): Promise<{ first: { startMs: number; idleMb: number }; restart: { startMs: number; idleMb: number } }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sb-footprint-'));
  try {
    const ports = [await freePort(), await freePort(), await freePort()];
    const first = await stackOnce(source, dir, ports);
    return { first, restart: await stackOnce(source, dir, ports) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const f0 = (n: number): string => n.toFixed(0);
const f1 = (n: number): string => n.toFixed(1);

async function main(): Promise<void> {
  const o = options(process.argv.slice(2));
  rawMalloc = o.rawMalloc;
  const broker = await measureServer('broker', o);
  const nats = await measureServer('nats-server', o);
  const bare = await measureServer('node', o);
  const stack = o.stack ? await measureStack(o.source) : null;
  if (o.json) {
    process.stdout.write(JSON.stringify({ node: process.version, source: o.source, broker, nats, bare, stack }, null, 2) + '\n');
    return;
  }
  const within = (after: number, start: number): string => `${f0(((after - start) / start) * 100)} % above idle`;
  const ok = (b: boolean): string => (b ? '✓' : '✗');
  const rows: string[][] = [
    [
      'start-up, spawn → port accepts (ms, median of ' + o.runs + ')',
      f0(median(broker.startMs)),
      f0(median(nats.startMs)),
      f0(median(bare.startMs)),
      `≤ 150 ${ok(median(broker.startMs) <= 150)}`,
    ],
    ['start-up CPU, user + system until listening (ms, median)', f0(median(broker.startCpuMs)), f0(median(nats.startCpuMs)), f0(median(bare.startCpuMs)), ''],
    ['RSS idle, plain (MB)', f1(broker.idleMb), f1(nats.idleMb), f1(bare.idleMb), `≤ 60 ${ok(broker.idleMb <= 60)}`],
    ['RSS idle, monitoring on (MB)', f1(broker.monitoredIdleMb), f1(nats.monitoredIdleMb), '', ''],
    [`per idle connection (KB, ${o.conns} clients)`, f1(broker.perConnKb), f1(nats.perConnKb), '', `≤ nats-server ${ok(broker.perConnKb <= nats.perConnKb)}`],
    [`RSS peak, ${o.slow} slow consumers (MB; cut: ${broker.slowCut}/${nats.slowCut})`, f1(broker.slowPeakMb), f1(nats.slowPeakMb), '', ''],
    [
      'RSS after they are cut (MB; vs idle with monitoring)',
      `${f1(broker.slowAfterMb)} (${within(broker.slowAfterMb, broker.monitoredIdleMb)})`,
      `${f1(nats.slowAfterMb)} (${within(nats.slowAfterMb, nats.monitoredIdleMb)})`,
      '',
      `≤ idle + 20 % ${ok(broker.slowAfterMb <= broker.monitoredIdleMb * 1.2)}`,
    ],
  ];
  if (stack) {
    rows.push(['stack, first start (creates the database): spawn → banner (ms)', f0(stack.first.startMs), '', '', '']);
    rows.push(['stack, first start: RSS idle (MB)', f1(stack.first.idleMb), '', '', '']);
    rows.push(['stack, restart on its data: spawn → banner (ms)', f0(stack.restart.startMs), '', '', '']);
    rows.push(['stack, restart: RSS idle (MB)', f1(stack.restart.idleMb), '', '', `≤ 300 ${ok(stack.restart.idleMb <= 300)}`]);
  }
  const how = o.source ? 'TypeScript through tsx / swc-node (--source)' : 'built JavaScript (dist/) under plain node';
  process.stdout.write(
    `broker and stack: ${how}; node ${process.version}${o.nodeFlags.length ? ` ${o.nodeFlags.join(' ')}` : ''}${o.rawMalloc ? '; default glibc malloc' : `; ${BROKER_ENV.GLIBC_TUNABLES}`}; nats-server ${NATS_SERVER_BIN}; load average ${loadavg()[0]!.toFixed(1)}\n\n`,
  );
  process.stdout.write('| measure | broker | nats-server | bare node | target |\n|---|---:|---:|---:|---|\n');
  for (const r of rows) process.stdout.write(`| ${r.join(' | ')} |\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`footprint: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
