// A strict reader of Prometheus' text exposition format (0.0.4) for tests: it throws on what a
// Prometheus server would refuse (a sample without its family's TYPE, a bad name or label, a
// value that is not a number) and on what the naming conventions forbid (a counter without
// `_total`, a family without HELP), so a test that scrapes also checks the format.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string;
  samples: Sample[];
}

export type Exposition = Map<string, MetricFamily>;

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;
const SUFFIXES: Record<MetricFamily['type'], readonly string[]> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

export function parsePrometheus(text: string): Exposition {
  const families: Exposition = new Map();
  const help = new Map<string, string>();
  for (const [i, line] of text.split('\n').entries()) {
    const fail = (why: string): never => {
      throw new Error(`metrics line ${i + 1}: ${why}: ${JSON.stringify(line)}`);
    };
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!m) continue; // a plain comment
      const [, kind, name, rest] = m as unknown as [string, string, string, string];
      if (!NAME.test(name)) fail('bad metric name');
      if (kind === 'HELP') help.set(name, rest);
      else {
        if (!(rest in SUFFIXES)) fail('unknown type');
        if (families.has(name)) fail('TYPE given twice');
        families.set(name, { name, type: rest as MetricFamily['type'], help: '', samples: [] });
      }
      continue;
    }
    const m = SAMPLE.exec(line) ?? fail('not a sample');
    const [, name, , labelText, raw] = m as unknown as [string, string, string | undefined, string | undefined, string];
    const family = familyOf(families, name) ?? fail('sample without a TYPE line');
    const value = parseValue(raw) ?? fail('value is not a number');
    family.samples.push({ name, labels: parseLabels(labelText ?? '', fail), value });
  }
  for (const f of families.values()) {
    f.help = help.get(f.name) ?? '';
    if (!f.help) throw new Error(`metric ${f.name} has no HELP`);
    if (f.type === 'counter' && !f.name.endsWith('_total')) throw new Error(`counter ${f.name} does not end in _total`);
  }
  return families;
}

/** Go's strconv.ParseFloat, as Prometheus reads values: NaN and Inf in any case (prom-client writes `Nan`). */
function parseValue(raw: string): number | undefined {
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(raw);
  if (special) return special[2]!.toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  const n = Number(raw);
  return raw.trim() === '' || Number.isNaN(n) ? undefined : n;
}

function familyOf(families: Exposition, sample: string): MetricFamily | undefined {
  for (const [name, f] of families) if (sample.startsWith(name) && SUFFIXES[f.type].includes(sample.slice(name.length))) return f;
  return undefined;
}

function parseLabels(text: string, fail: (why: string) => never): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const m = LABEL.exec(text) ?? fail('bad labels');
    labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

/** The value of the one sample of `name` whose labels include `labels`; undefined if none. */
export function sampleValue(exp: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const f of exp.values()) for (const s of f.samples) if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) return s.value;
  return undefined;
}
