// Limits as people read them: the plain ones as the API names them, JetStream's as one section
// in nats-server's terms (off, unlimited, bytes in binary units).

/** Keys of the JetStream limits, in the order `nats account info` lists them. */
const JETSTREAM: Array<[string, string, 'bytes' | 'count' | 'flag']> = [
  ['jsMemoryStorage', 'memory', 'bytes'],
  ['jsDiskStorage', 'storage', 'bytes'],
  ['jsStreams', 'streams', 'count'],
  ['jsConsumers', 'consumers', 'count'],
  ['jsMaxAckPending', 'max ack pending', 'count'],
  ['jsMemMaxStreamBytes', 'memory stream max bytes', 'bytes'],
  ['jsDiskMaxStreamBytes', 'storage stream max bytes', 'bytes'],
  ['jsMaxBytesRequired', 'max bytes required', 'flag'],
];
const JETSTREAM_KEYS = new Set(JETSTREAM.map(([k]) => k));

/** 1536 -> "1.5 KiB"; -1 -> "unlimited". */
export function bytesText(n: number): string {
  if (n < 0) return 'unlimited';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}

function valueText(v: unknown, kind: 'bytes' | 'count' | 'flag'): string {
  if (kind === 'flag') return v === true ? 'yes' : 'no';
  if (typeof v !== 'number') return String(v ?? '-');
  // nats-server reads 0 and -1 of the per-stream caps and max ack pending as "no cap".
  if (v < 0) return 'unlimited';
  return kind === 'bytes' ? bytesText(v) : String(v);
}

/** Whether the limits turn JetStream on: memory or storage not 0 (nats-io/jwt IsJSEnabled). */
export function jetStreamEnabled(l: Record<string, unknown>): boolean {
  return (l.jsMemoryStorage ?? 0) !== 0 || (l.jsDiskStorage ?? 0) !== 0;
}

/** The limits other than JetStream's, as [key, value] rows. */
export function plainLimitRows(l: Record<string, unknown>): Array<[string, unknown]> {
  return Object.entries(l).filter(([k]) => !JETSTREAM_KEYS.has(k));
}

/** The JetStream section: "off", or one row per limit. */
export function jetStreamRows(l: Record<string, unknown>): Array<[string, unknown]> {
  if (!jetStreamEnabled(l)) return [['jetstream', 'off (memory and storage are 0)']];
  return JETSTREAM.filter(([k]) => k in l).map(([k, label, kind]) => [label, valueText(l[k], kind)]);
}

/** One short cell for tables: "off" or "<memory> mem, <storage> disk, <n> streams". */
export function jetStreamSummary(l: Record<string, unknown>): string {
  if (!jetStreamEnabled(l)) return 'off';
  return `${valueText(l.jsMemoryStorage, 'bytes')} mem, ${valueText(l.jsDiskStorage, 'bytes')} disk, ${valueText(l.jsStreams, 'count')} streams`;
}
