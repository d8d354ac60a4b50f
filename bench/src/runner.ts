/** Measuring one cell: a scenario at one size against one server slot, and combining rounds. */
import type { Cell } from './report.js';
import type { Context, Metric, Scenario } from './scenario.js';
import type { ServerProcess } from './servers.js';

export const log = (line: string): void => void process.stderr.write(`${line}\n`);

export const message = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0]!;

/** A server slot: the running process, or why there is none. */
export interface Slot {
  server: ServerProcess | null;
  why: string;
}

export async function startSlot(wanted: boolean, start: () => Promise<ServerProcess>, name: string): Promise<Slot> {
  if (!wanted) return { server: null, why: 'not requested' };
  try {
    const server = await start();
    log(`${name} serving on ${server.ep.host}:${server.ep.port}`);
    return { server, why: '' };
  } catch (err) {
    log(`${name} NOT RUNNABLE: ${(err as Error).message}`);
    return { server: null, why: `not runnable: ${message(err)}` };
  }
}

export async function measure(slot: Slot, s: Scenario, size: number, ctx: Context): Promise<Record<string, Cell>> {
  const cells: Record<string, Cell> = {};
  const missing = (error: string): Record<string, Cell> => {
    for (const m of s.metrics) cells[m.name] = { error };
    return cells;
  };
  const server = slot.server;
  if (server === null) return missing(slot.why);
  try {
    const values = await s.run(server.ep, size, ctx);
    for (const m of s.metrics) cells[m.name] = { value: values[m.name] };
  } catch (err) {
    log(`  ${server.name}: ${message(err)}`);
    missing(message(err));
  }
  if (!server.alive) {
    slot.why = `exited during ${s.name} ${size} B: ${server.tail().split('\n').pop() ?? ''}`;
    slot.server = null;
    log(`${server.name} ${slot.why}`);
    return missing(slot.why);
  }
  return cells;
}

export async function ceiling(s: Scenario, size: number, ctx: Context): Promise<Record<string, Cell>> {
  try {
    const values = await s.ceiling!(size, ctx);
    return Object.fromEntries(s.metrics.map((m) => [m.name, { value: values[m.name] }]));
  } catch (err) {
    return Object.fromEntries(s.metrics.map((m) => [m.name, { error: message(err) }]));
  }
}

/** Best of the rounds (--rounds): a neighbour's load only ever makes a number worse. */
export function best(rounds: Array<Record<string, Cell>>, m: Metric): Cell {
  let out: Cell | undefined;
  for (const r of rounds) {
    const c = r[m.name]!;
    if (c.value === undefined || Number.isNaN(c.value)) {
      out ??= c;
      continue;
    }
    if (out?.value === undefined || Number.isNaN(out.value) || (m.higherIsBetter ? c.value > out.value : c.value < out.value)) out = c;
  }
  return out ?? { error: 'not measured' };
}
