import type { TimeRange } from './claims.js';
import { parseClock } from './validate.js';

const DAY = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Milliseconds since midnight of `now` in `zone` (IANA), or in the process's local zone. */
function msOfDay(now: number, zone: string | undefined): number | undefined {
  if (!zone) {
    const d = new Date(now);
    return ((d.getHours() * 60 + d.getMinutes()) * 60 + d.getSeconds()) * 1000 + d.getMilliseconds();
  }
  let f = formatters.get(zone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    } catch {
      return undefined;
    }
    formatters.set(zone, f);
  }
  let h = 0;
  let m = 0;
  let s = 0;
  for (const p of f.formatToParts(now)) {
    if (p.type === 'hour') h = Number(p.value);
    else if (p.type === 'minute') m = Number(p.value);
    else if (p.type === 'second') s = Number(p.value);
  }
  return ((h * 60 + m) * 60 + s) * 1000 + (now % 1000);
}

/**
 * nats-server's validateTimes: with no ranges the user may connect any time; otherwise `now` must
 * fall strictly inside one range (ranges may cross midnight). Returns how long the connection may
 * stay (ms, the longest matching range), 0 for "no limit", or undefined when outside every range.
 */
export function connectWindow(times: TimeRange[] | undefined, zone: string | undefined, now: number): number | undefined {
  if (!times || times.length === 0) return 0;
  const t = msOfDay(now, zone);
  if (t === undefined) return undefined;
  let best: number | undefined;
  for (const r of times) {
    const start = parseClock(r?.start);
    const end = parseClock(r?.end);
    if (start === undefined || end === undefined) return undefined;
    let left: number | undefined;
    if (start < t && end > t) left = end - t;
    else if (start > end) {
      if (end > t) left = end - t;
      else if (start < t) left = end + DAY - t;
    }
    if (left !== undefined && (best === undefined || left > best)) best = left;
  }
  return best;
}
