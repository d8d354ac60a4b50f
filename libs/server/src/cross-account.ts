import {
  applyAccountClaims,
  HEADERS_SAMPLING,
  latencyMetric,
  Responses,
  ResponseImport,
  REPLY_PREFIX,
  sample,
  setImports,
  type Account,
  type ActivationVerifier,
  type LatencyTrack,
  type RefusedImport,
  type ServiceExport,
  type ServiceImport,
  type ExportsImports,
} from '@switchboard/accounts';
import type { Client } from './client.js';
import { ROUTER } from './conn-kind.js';
import { chainedClientInfo, clientInfo, rttNs } from './client-info.js';
import { eventId } from './events.js';
import { routeMessage } from './deliver.js';
import type { Server } from './server.js';
import { Subscription } from './subscription.js';

type Acc = Account<Subscription>;
/** A service import a message is routed through: a request into the exporter, or a response back. */
export type RoutedImport = ServiceImport<Acc> | ResponseImport<Acc>;
type Import = RoutedImport;

/** nats-server's client info header on requests that cross into another account. */
const REQUEST_INFO = 'Nats-Request-Info';
const HDR_LINE = 'NATS/1.0\r\n';

/**
 * Routes one message published in `account`: its own subscribers (and shadow subscriptions
 * of stream importers), then any service import or mapped reply it matches. `fromService`
 * marks a message that already came through a service import: stream exports do not pass it
 * on (as nats-server). Returns whether anyone took it.
 */
export function routeInAccount(producer: Client, account: Acc, subject: string, reply: string, hdrLen: number, msg: Buffer, fromService = false): boolean {
  const delivered = routeMessage(producer, account, account.sublist.match(subject), subject, reply, hdrLen, msg, fromService);
  if (!account.crosses) return delivered;
  return crossAccount(producer, account, subject, reply, hdrLen, msg) || delivered;
}

function crossAccount(producer: Client, account: Acc, subject: string, reply: string, hdrLen: number, msg: Buffer): boolean {
  let delivered = false;
  const responses = account.responses;
  // nats-server listens on the whole `_R_.<prefix>.>` range: anything there counts as taken.
  if (responses !== null && subject.startsWith(responses.prefix)) {
    delivered = true;
    const rsi = responses.lookup(subject);
    if (rsi !== null) processImport(producer, account, rsi, subject, reply, hdrLen, msg);
  }
  const imports = account.serviceImports;
  // A message from a route already went through the importing account's imports on its first node.
  if (imports !== null && producer.kind !== ROUTER) {
    const psubs = imports.match(subject).psubs;
    for (let i = 0; i < psubs.length; i++) {
      delivered = true;
      processImport(producer, account, psubs[i]!, subject, reply, hdrLen, msg);
    }
  }
  return delivered;
}

/** nats-server's processServiceImport: a request into the exporter, or a response back to the requester. */
function processImport(producer: Client, account: Acc, si: Import, subject: string, reply: string, hdrLen: number, msg: Buffer): void {
  const exp = si.exp;
  const chain = producer.server.importChain;
  for (let i = chain.length - 1; i >= 0; i--) if (chain[i]!.exp === exp) return;
  const isResponse = si instanceof ResponseImport;
  const target = isResponse ? si.dest : si.exporter;
  let mapped: ResponseImport<Acc> | null = null;
  let nrr = '';
  if (reply !== '') {
    // The receiver answers on a reply of its own account that leads back here.
    if (target.responses === null) {
      target.responses = new Responses<Acc>();
      announceResponses(producer.server, target);
    }
    mapped = target.responses.add(account, reply, exp, si.share);
    nrr = mapped.from;
  }
  const to = isResponse ? si.to : si.remoteSubject(subject);
  if (!isResponse) {
    const prev = chain.length > 0 ? chain[chain.length - 1]! : null;
    // Latency is measured for requests straight from a client (nats-server: not chained ones).
    if (mapped !== null && prev === null && exp.latency !== undefined) mapped.latency = track(producer, exp, si.share, hdrLen, msg);
    const info = requestInfo(producer, account, prev, hdrLen, msg, prev !== null ? prev.share : si.share);
    if (info !== null) {
      msg = setHeader(REQUEST_INFO, info, hdrLen, msg);
      hdrLen = headerLength(msg);
    }
  }
  chain.push(si);
  let delivered: boolean;
  try {
    delivered = routeInAccount(producer, target, to, nrr, hdrLen, msg, true);
  } finally {
    chain.pop();
  }
  if (si instanceof ResponseImport && si.latency !== null) {
    // The first response ends the measurement.
    sendLatency(producer, account, si.latency);
    si.latency = null;
  }
  if (isResponse && si.responseType !== 'Singleton' && delivered) si.ts = Date.now();
  const remove = !delivered || (isResponse && (si.responseType === 'Singleton' || msg.length === 0));
  if (!remove) return;
  if (isResponse) account.responses?.remove(si);
  else if (mapped !== null) target.responses?.remove(mapped);
}

/**
 * An account's mapped replies (`_R_.<prefix>.>`) are interest like a subscription's (nats-server
 * subscribes the prefix): routes and leaf nodes hear of it, so a responder on another node can
 * answer. Not in the sublist: crossAccount() handles the prefix itself.
 */
function announceResponses(server: Server, account: Acc): void {
  if (server.interestListeners.length === 0) return;
  const sub = new Subscription(server.internalClient(account), `${account.responses!.prefix}>`, '', '_R_');
  server.interestChanged(account, sub, 1);
}

/** The Nats-Request-Info JSON (nats-server's ClientInfo), or null to leave it. */
function requestInfo(producer: Client, account: Acc, prev: Import | null, hdrLen: number, msg: Buffer, share: boolean): string | null {
  if (prev !== null) {
    // Chained import: keep the original requester's info, naming the service account passed.
    if (hdrLen < 0) return null;
    const raw = headerValue(msg.toString('latin1', 0, hdrLen), REQUEST_INFO);
    return raw === null ? null : chainedClientInfo(raw, account.name);
  }
  return requesterInfo(producer, share);
}

/** nats-server's getClientInfo(share): account and RTT, who the client is only when the import shares it. */
function requesterInfo(c: Client, share: boolean): string {
  return JSON.stringify(clientInfo(c, { detail: share, rtt: true, server: share }));
}

/** Starts measuring a request if the export samples it (nats-server's shouldSample). */
function track(requestor: Client, exp: ServiceExport, share: boolean, hdrLen: number, msg: Buffer): LatencyTrack | null {
  const config = exp.latency!;
  const headers = config.sampling === HEADERS_SAMPLING && hdrLen > 0 ? msg.toString('latin1', 0, hdrLen) : null;
  const hit = sample(config, headers);
  if (hit === null) return null;
  const info = requesterInfo(requestor, share);
  return { config, startWall: Date.now(), startMono: performance.now(), requestor: info, requestorRtt: rttNs(requestor), header: hit === true ? null : hit };
}

/**
 * Publishes the ServiceLatency metric in the exporting account. Sent by the account's internal
 * client after the response went out (nats-server sends it from its internal send queue too).
 */
function sendLatency(responder: Client, exporter: Acc, t: LatencyTrack): void {
  const nowMono = performance.now();
  const nowWall = Date.now();
  const info = requesterInfo(responder, true);
  const system = Math.max(1, Math.round((performance.now() - nowMono) * 1e6));
  const json = latencyMetric(t, { id: eventId(), nowWall, nowMono, responder: info, responderRtt: rttNs(responder), system });
  const client = responder.server.internalClient(exporter);
  // After the routing pass that carried the response, as nats-server's internal send queue does.
  queueMicrotask(() => client.publish(t.config.subject, '', json));
}

/** The value of header `key` in a header block, or null. */
function headerValue(block: string, key: string): string | null {
  const at = block.indexOf(`\n${key}:`);
  if (at < 0) return null;
  const end = block.indexOf('\r\n', at + 1);
  return block.slice(at + key.length + 2, end < 0 ? undefined : end).trim();
}

/** nats-server's setHeader: the header block with `key` set (replacing an earlier one), payload kept. */
function setHeader(key: string, value: string, hdrLen: number, msg: Buffer): Buffer {
  let head = HDR_LINE;
  if (hdrLen > 2) {
    head = msg.toString('latin1', 0, hdrLen - 2);
    const at = head.indexOf(`\n${key}:`);
    if (at >= 0) {
      const end = head.indexOf('\r\n', at + 1);
      head = head.slice(0, at + 1) + (end < 0 ? '' : head.slice(end + 2));
    }
    if (head === '') head = HDR_LINE;
  }
  const block = Buffer.from(`${head}${key}: ${value}\r\n\r\n`, 'latin1');
  return Buffer.concat([block, hdrLen > 0 ? msg.subarray(hdrLen) : msg]);
}

function headerLength(msg: Buffer): number {
  return msg.indexOf('\r\n\r\n') + 4;
}

/** nats-server's reserved reply subjects: clients may not make them up. */
export function isReservedReply(reply: string): boolean {
  if (reply.length < 4) return false;
  const c = reply.charCodeAt(0);
  if (c === 0x5f /* _ */) return reply.startsWith(REPLY_PREFIX) || (reply.length > 5 && reply.startsWith('_GR_.'));
  return c === 0x24 /* $ */ && reply.length > 8 && reply.startsWith('$JS.ACK.');
}

/**
 * Subscribes `sub` (in its client's account) to whatever the account's stream imports bring
 * in: a shadow subscription in each exporter, on the exporter-side subject, that delivers to
 * `sub` under the local subject.
 */
export function addShadows(sub: Subscription, account: Acc): void {
  const imports = account.streamImports;
  for (let i = 0; i < imports.length; i++) {
    const im = imports[i]!;
    const subject = im.shadowSubject(sub.subject);
    if (subject === null) continue;
    const shadow = new Subscription(sub.client, subject, sub.queue, sub.sid);
    shadow.imp = im;
    shadow.origin = sub;
    im.exporter.sublist.insert(shadow);
    sub.client.server.interestChanged(im.exporter, shadow, 1);
    (sub.shadows ??= []).push(shadow);
  }
}

export function removeShadows(sub: Subscription): void {
  const list = sub.shadows;
  if (list === null) return;
  sub.shadows = null;
  for (const s of list) {
    s.closed = true;
    s.imp!.exporter.sublist.remove(s);
    s.client.server.interestChanged(s.imp!.exporter, s, -1);
  }
}

/** Re-creates the shadows of every subscription in `account` (its imports changed). */
export function refreshShadows(clients: Iterable<Client>, account: Acc): void {
  for (const c of clients) {
    if (c.account !== account) continue;
    for (const sub of c.subs.values()) {
      removeShadows(sub);
      if (!sub.closed) addShadows(sub, account);
    }
  }
}

/**
 * An account's exports and imports changed on a running server (its JWT was updated): applies
 * them, re-checks the imports of every account that imports from it (an export may now refuse
 * them), and rebuilds the shadow subscriptions of the clients of all accounts touched. Imports
 * that no longer pass are left out and reported to `refused` (as nats-server does with JWTs).
 */
export function updateExportsImports(server: Server, account: Acc, claims: ExportsImports, verify?: ActivationVerifier<Acc>, refused?: RefusedImport): void {
  const resolve = (n: string) => server.accounts.get(n);
  applyAccountClaims(account, claims, resolve, verify, refused ?? ignore);
  const touched = [account];
  for (const other of server.accounts.values()) {
    if (other === account || !other.declaredImports.some((i) => i.account === account.name)) continue;
    setImports(other, other.declaredImports, resolve, verify, refused ?? ignore);
    touched.push(other);
  }
  for (const acc of touched) {
    refreshShadows(server.clients.values(), acc);
    const internal = server.existingInternalClient(acc);
    if (internal !== undefined) refreshShadows([internal], acc);
    server.leafnodes?.importsChanged(acc);
  }
}

function ignore(): void {}
