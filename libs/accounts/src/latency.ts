import { isValidSubject, subjectIsLiteral } from '@switchboard/subjects';

// Service latency tracking (nats-server's serviceLatency / ServiceLatency, ADR-3): a service
// export may sample its requests; when the responder answers a sampled one, the exporting
// account gets a `io.nats.server.metric.v1.service_latency` event on the results subject.

export const SERVICE_LATENCY_TYPE = 'io.nats.server.metric.v1.service_latency';
/** `sampling` of an export that samples only requests carrying a sampled trace header. */
export const HEADERS_SAMPLING = -1;

export interface ServiceLatencyConfig {
  /** 1..100 percent, or HEADERS_SAMPLING. */
  readonly sampling: number;
  /** Where the metrics are published, in the exporting account. */
  readonly subject: string;
}

/** The export's JWT `service_latency`, checked as nats-server; the error text is nats-server's. */
export function latencyConfig(exportSubject: string, decl: { sampling: number | 'headers'; results: string }): ServiceLatencyConfig {
  const sampling = decl.sampling === 'headers' ? HEADERS_SAMPLING : decl.sampling;
  if (sampling !== HEADERS_SAMPLING && !(Number.isInteger(sampling) && sampling >= 1 && sampling <= 100)) {
    throw new Error(`Error adding service latency sampling for ${JSON.stringify(exportSubject)}: sampling rate must be 1-100`);
  }
  if (!isValidSubject(decl.results) || !subjectIsLiteral(decl.results)) {
    throw new Error(
      `Error adding service latency sampling for ${JSON.stringify(exportSubject)} on subject ${JSON.stringify(decl.results)}: invalid publish subject`,
    );
  }
  return { sampling, subject: decl.results };
}

/** The trace headers found in a request, as Go's http.Header (canonical key → values). */
export type TraceHeader = Record<string, string[]>;

/**
 * Whether a request is sampled. `rand` is in [0, 1); `headerBlock` is the request's header
 * block (read only in headers mode). Returns the trace headers in headers mode (they go into
 * the metric), `true` for a percentage hit, null when not sampled.
 */
export function sample(l: ServiceLatencyConfig, headerBlock: string | null, rand: () => number = Math.random): TraceHeader | true | null {
  if (l.sampling === HEADERS_SAMPLING) return headerBlock === null ? null : sampledTrace(headerBlock);
  if (l.sampling >= 100) return true;
  return Math.floor(rand() * 100) < l.sampling ? true : null;
}

const TRACE_KEYS: Record<string, string> = {
  'uber-trace-id': 'Uber-Trace-Id',
  traceparent: 'Traceparent',
  b3: 'B3',
  'x-b3-sampled': 'X-B3-Sampled',
  'x-b3-traceid': 'X-B3-Traceid',
  'x-b3-parentspanid': 'X-B3-Parentspanid',
  'x-b3-spanid': 'X-B3-Spanid',
  'x-b3-flags': 'X-B3-Flags',
};

/**
 * The trace headers of a NATS header block when they mark the request as sampled (Jaeger
 * `Uber-Trace-Id` flags, W3C `traceparent` flags, B3 single or multi header), else null.
 */
export function sampledTrace(block: string): TraceHeader | null {
  const found: TraceHeader = {};
  let any = false;
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = TRACE_KEYS[line.slice(0, colon).trim().toLowerCase()];
    if (key === undefined) continue;
    (found[key] ??= []).push(line.slice(colon + 1).trim());
    any = true;
  }
  if (!any) return null;
  const first = (k: string): string | undefined => found[k]?.[0];
  const uber = first('Uber-Trace-Id');
  if (uber !== undefined) {
    const parts = uber.split(':');
    return parts.length === 4 && (parseInt(parts[3]!, 16) & 1) === 1 ? found : null;
  }
  const tp = first('Traceparent');
  if (tp !== undefined) {
    const parts = tp.split('-');
    return parts.length >= 4 && (parseInt(parts[3]!, 16) & 1) === 1 ? found : null;
  }
  const b3 = first('B3');
  if (b3 !== undefined) {
    const parts = b3.split('-');
    const flag = parts.length === 1 ? parts[0] : parts[2];
    // No sampling decision in the header: the receiver decides, as nats-server: sample.
    return flag === undefined || flag === '1' || flag === 'd' ? found : null;
  }
  const sampled = first('X-B3-Sampled');
  if (sampled !== undefined) return sampled === '1' || sampled === 'true' ? found : null;
  return first('X-B3-Traceid') !== undefined ? found : null;
}

/** A sampled request waiting for its response. Times: `startMono` in ms (performance.now()). */
export interface LatencyTrack {
  readonly config: ServiceLatencyConfig;
  /** Wall clock (ms since epoch) and monotonic clock (ms) when the request entered the import. */
  readonly startWall: number;
  readonly startMono: number;
  /** The requestor's ClientInfo JSON and its RTT (ns). */
  readonly requestor: string;
  readonly requestorRtt: number;
  readonly header: TraceHeader | null;
}

/** What is known when the response passes back. */
export interface LatencyEnd {
  id: string;
  /** Wall clock (ms since epoch) and monotonic clock (ms) of the response. */
  nowWall: number;
  nowMono: number;
  responder: string;
  responderRtt: number;
  /** Time spent by the server building the metric (ns), counted only with a responder RTT. */
  system: number;
}

/**
 * The ServiceLatency JSON in nats-server's field order. As nats-server: `service` is the time
 * from request to response less the responder's RTT, `total` adds the requestor's RTT and the
 * system time, `start` is the request's arrival less the requestor's RTT; negatives become 0.
 */
export function latencyMetric(t: LatencyTrack, e: LatencyEnd): string {
  const serviceRtt = Math.round((e.nowMono - t.startMono) * 1e6);
  const system = e.responderRtt > 0 ? e.system : 0;
  const service = Math.max(0, serviceRtt - e.responderRtt);
  const total = Math.max(0, t.requestorRtt + serviceRtt + system);
  const start = new Date(t.startWall - t.requestorRtt / 1e6).toISOString();
  const header = t.header === null ? '' : `,"header":${JSON.stringify(t.header)}`;
  return (
    `{"type":"${SERVICE_LATENCY_TYPE}","id":"${e.id}","timestamp":"${new Date(e.nowWall).toISOString()}","status":200,` +
    `"requestor":${t.requestor},"responder":${e.responder}${header},"start":"${start}","service":${service},"system":${system},"total":${total}}`
  );
}
