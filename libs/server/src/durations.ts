/** nats-server's `myUptime`: whole seconds as `1y2d3h4m5s`, leading zero units dropped. */
export function formatUptime(ms: number): string {
  const tsecs = Math.floor(ms / 1000);
  const tmins = Math.floor(tsecs / 60);
  const thrs = Math.floor(tmins / 60);
  const tdays = Math.floor(thrs / 24);
  const tyrs = Math.floor(tdays / 365);
  if (tyrs > 0) return `${tyrs}y${tdays % 365}d${thrs % 24}h${tmins % 60}m${tsecs % 60}s`;
  if (tdays > 0) return `${tdays}d${thrs % 24}h${tmins % 60}m${tsecs % 60}s`;
  if (thrs > 0) return `${thrs}h${tmins % 60}m${tsecs % 60}s`;
  if (tmins > 0) return `${tmins}m${tsecs % 60}s`;
  return `${tsecs}s`;
}

/** Go's time.Duration String() for a duration in (fractional) milliseconds: `1.042ms`, `2m3s`. */
export function formatGoDuration(ms: number): string {
  if (ms <= 0) return '0s';
  const ns = Math.round(ms * 1e6);
  if (ns < 1_000) return `${ns}ns`;
  if (ns < 1_000_000) return `${trim(ns / 1_000)}µs`;
  if (ns < 1_000_000_000) return `${trim(ns / 1_000_000)}ms`;
  const totalSec = ns / 1e9;
  const h = Math.floor(totalSec / 3600);
  const m = Math.floor((totalSec % 3600) / 60);
  const s = totalSec - h * 3600 - m * 60;
  let out = '';
  if (h > 0) out += `${h}h`;
  if (h > 0 || m > 0) out += `${m}m`;
  return `${out}${trim(s)}s`;
}

function trim(v: number): string {
  return String(Number(v.toFixed(9)));
}
