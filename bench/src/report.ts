import type { Metric } from './scenario.js';

/** One measured number, or why it is missing. */
export interface Cell {
  value?: number;
  error?: string;
}

export interface Row {
  scenario: string;
  size: number | null;
  metric: Metric;
  nats: Cell;
  broker: Cell;
  generator?: Cell;
}

export interface Meta {
  date: string;
  node: string;
  cpu: string;
  cores: number;
  natsServer: string;
  broker: string;
  timing: { warmupMs: number; measureMs: number };
  /** Each number is the best of this many runs. */
  rounds: number;
  placement: string;
}

export function ratio(row: Row): number | undefined {
  const { nats, broker } = row;
  if (nats.value === undefined || broker.value === undefined || nats.value === 0) return undefined;
  return broker.value / nats.value;
}

/** Whether the broker meets the goal on this row; undefined when no goal applies or no number. */
export function targetMet(row: Row): boolean | undefined {
  const t = row.metric.target;
  if (!t || (t.size !== undefined && t.size !== row.size)) return undefined;
  const r = ratio(row);
  if (r === undefined) return undefined;
  return row.metric.higherIsBetter ? r >= t.ratio : r <= t.ratio;
}

function fmt(cell: Cell | undefined, metric: Metric): string {
  if (cell === undefined) return '';
  if (cell.value === undefined) return cell.error ? 'n/a' : '';
  if (Number.isNaN(cell.value)) return '?';
  if (metric.unit === 'msgs/s' || metric.unit === 'conns/s') return Math.round(cell.value).toLocaleString('en-US');
  if (metric.unit === 'µs/msg') return cell.value.toFixed(2);
  return cell.value < 100 ? cell.value.toFixed(1) : Math.round(cell.value).toLocaleString('en-US');
}

function size(s: number | null): string {
  if (s === null) return '';
  return s >= 1024 && s % 1024 === 0 ? `${s / 1024} KB` : `${s} B`;
}

export function markdown(rows: Row[], meta: Meta): string {
  const out: string[] = [];
  out.push(`nats-server ${meta.natsServer} vs broker (${meta.broker}); node ${meta.node}; ${meta.cores} × ${meta.cpu}`);
  const rounds = meta.rounds > 1 ? `, best of ${meta.rounds} rounds` : '';
  out.push(`warm-up ${meta.timing.warmupMs} ms, measured ${meta.timing.measureMs} ms per cell${rounds}; ${meta.placement}`);
  out.push('');
  out.push('| scenario | size | metric | nats-server | broker | broker/nats | target | generator max |');
  out.push('|---|---|---|---:|---:|---:|---|---:|');
  for (const row of rows) {
    const r = ratio(row);
    const t = row.metric.target;
    const met = targetMet(row);
    const goal = t && met !== undefined ? `${row.metric.higherIsBetter ? '≥' : '≤'} ${t.ratio} ${met ? '✓' : '✗'}` : '';
    const unit = row.metric.unit === 'msgs/s' || row.metric.unit === row.metric.name ? row.metric.name : `${row.metric.name} (${row.metric.unit})`;
    out.push(
      `| ${row.scenario} | ${size(row.size)} | ${unit} | ${fmt(row.nats, row.metric)} | ${fmt(row.broker, row.metric)} | ` +
        `${r === undefined ? '' : r.toFixed(2)} | ${goal} | ${fmt(row.generator, row.metric)} |`,
    );
  }
  // One line per distinct failure, naming the cells it hit ('not requested' is in the header).
  const errors = new Map<string, Set<string>>();
  const cells = new Set(rows.map((r) => `${r.scenario} ${size(r.size)}`.trim()));
  for (const row of rows) {
    for (const [who, cell] of [
      ['nats-server', row.nats],
      ['broker', row.broker],
      ['generator', row.generator],
    ] as const) {
      if (!cell?.error || cell.error === 'not requested') continue;
      const key = `${who}: ${cell.error}`;
      if (!errors.has(key)) errors.set(key, new Set());
      errors.get(key)!.add(`${row.scenario} ${size(row.size)}`.trim());
    }
  }
  if (errors.size > 0) {
    out.push('', 'Missing numbers:');
    for (const [key, hit] of errors) out.push(`- ${key} (${hit.size === cells.size && cells.size > 1 ? 'every cell' : [...hit].join(', ')})`);
  }
  return out.join('\n');
}

export function json(rows: Row[], meta: Meta): string {
  return JSON.stringify(
    {
      meta,
      rows: rows.map((row) => ({
        scenario: row.scenario,
        size: row.size,
        metric: row.metric.name,
        unit: row.metric.unit,
        nats: row.nats.value ?? null,
        broker: row.broker.value ?? null,
        ratio: ratio(row) ?? null,
        target: row.metric.target ?? null,
        targetMet: targetMet(row) ?? null,
        generatorMax: row.generator?.value ?? null,
        errors: { nats: row.nats.error, broker: row.broker.error, generator: row.generator?.error },
      })),
    },
    null,
    2,
  );
}
