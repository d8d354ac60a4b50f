import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { parseCreds, signWithSeed } from '@switchboard/nats-jwt';
import { PROTOCOL_VERSION } from './constants.js';
import { isJsonObject, parseJsonObject, stringField } from './json-object.js';

// The leaf handshake of nats-server 2.9 (server/leafnode.go): the accepting side (hub) sends
// INFO with a nonce and `info_on_connect`; the soliciting side answers CONNECT (its own
// fields, not a client's); the hub authenticates, binds the connection to one account, and
// answers with a second INFO (`connect_info`, `remote_account`, the permissions to apply),
// then its interest (LS+). Field order follows nats-server's Info and leafConnectInfo structs,
// so transcripts compare byte for byte apart from ids and nonces.

/** What goes into a hub's leaf INFO besides the per-connection fields. */
export interface LeafInfoBase {
  serverId: string;
  serverName: string;
  /** Host and port advertised (the listener's, or `advertise`). */
  host: string;
  port: number;
  tlsRequired: boolean;
  tlsVerify: boolean;
  maxPayload: number;
  /** nats-server's cluster name ('' = none). */
  cluster: string;
  /** URLs leafs may reconnect to (host:port); this server's at least. */
  leafnodeUrls: string[];
}

/** The subject permissions a hub sends back for the leaf to apply locally. */
export interface SubjectPermissionJson {
  allow?: string[];
  deny?: string[];
}

/** The first INFO on an accepted leaf connection. */
export function leafInfoJson(b: LeafInfoBase, cid: number, nonce: string): string {
  return JSON.stringify({
    ...infoHead(b),
    client_id: cid,
    nonce,
    ...(b.cluster && { cluster: b.cluster }),
    info_on_connect: true,
    leafnode_urls: b.leafnodeUrls,
  });
}

/**
 * The INFO answering a leaf's CONNECT (nats-server's sendPermsAndAccountInfo): which account it
 * is bound to and the permissions it should enforce on its side. `imports` is what the leaf may
 * receive (the user's subscribe permissions), `exports` what it may send (its publish ones).
 */
export function leafConnectInfoJson(
  b: LeafInfoBase,
  cid: number,
  account: string,
  imports: SubjectPermissionJson | null,
  exports: SubjectPermissionJson | null,
): string {
  return JSON.stringify({
    ...infoHead(b),
    client_id: cid,
    ...(b.cluster && { cluster: b.cluster }),
    ...(imports && { import: imports }),
    ...(exports && { export: exports }),
    info_on_connect: true,
    connect_info: true,
    leafnode_urls: b.leafnodeUrls,
    remote_account: account,
  });
}

function infoHead(b: LeafInfoBase): Record<string, unknown> {
  return {
    server_id: b.serverId,
    server_name: b.serverName,
    version: PROTOCOL_VERSION,
    proto: 1,
    go: `node${process.versions.node}`,
    host: b.host,
    port: b.port,
    headers: true,
    auth_required: true,
    ...(b.tlsRequired && { tls_required: true }),
    ...(b.tlsVerify && { tls_verify: true }),
    max_payload: b.maxPayload,
    ip: joinHostPort(b.host, b.port),
  };
}

/** A hub's INFO as the soliciting side reads it (the fields it acts on). */
export interface HubInfo {
  serverId: string;
  serverName: string;
  cid: number;
  nonce: string;
  headers: boolean;
  tlsRequired: boolean;
  cluster: string;
  domain: string;
  leafnodeUrls: string[] | null;
  connectInfo: boolean;
  infoOnConnect: boolean;
  remoteAccount: string;
  imports: SubjectPermissionJson | null;
  exports: SubjectPermissionJson | null;
}

/** Reads a hub's INFO JSON; null when it is not a JSON object. Unknown fields are ignored (as nats-server 2.9). */
export function parseHubInfo(json: string): HubInfo | null {
  const o = parseJsonObject(json);
  if (!o) return null;
  const s = stringField(o);
  return {
    serverId: s('server_id'),
    serverName: s('server_name'),
    cid: typeof o.client_id === 'number' ? o.client_id : 0,
    nonce: s('nonce'),
    headers: o.headers === true,
    tlsRequired: o.tls_required === true,
    cluster: s('cluster'),
    domain: s('domain'),
    leafnodeUrls: Array.isArray(o.leafnode_urls) ? o.leafnode_urls.filter((u): u is string => typeof u === 'string') : null,
    connectInfo: o.connect_info === true,
    infoOnConnect: o.info_on_connect === true,
    remoteAccount: s('remote_account'),
    imports: permissionJson(o.import),
    exports: permissionJson(o.export),
  };
}

function permissionJson(v: unknown): SubjectPermissionJson | null {
  if (!isJsonObject(v)) return null;
  const list = (x: unknown): string[] | undefined => (Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : undefined);
  const out: SubjectPermissionJson = {};
  const allow = list(v.allow);
  const deny = list(v.deny);
  if (allow) out.allow = allow;
  if (deny) out.deny = deny;
  return out;
}

/** The CONNECT a soliciting server sends (nats-server's leafConnectInfo). */
export interface LeafConnect {
  version: string;
  jwt: string;
  sig: string;
  user: string;
  pass: string;
  tlsRequired: boolean;
  serverId: string;
  domain: string;
  name: string;
  isHub: boolean;
  cluster: string;
  headers: boolean;
  jetstream: boolean;
  denyPub: string[];
  /** Set by a gateway that dialled the leaf port by mistake. */
  gateway: string;
  /** Set by a client that dialled the leaf port (leafs send no `lang`). */
  lang: string;
}

/** The CONNECT JSON in nats-server's field order, empty fields left out as its omitempty does. */
export function leafConnectJson(c: Omit<LeafConnect, 'gateway' | 'lang'>): string {
  return JSON.stringify({
    ...(c.version && { version: c.version }),
    ...(c.jwt && { jwt: c.jwt }),
    ...(c.sig && { sig: c.sig }),
    ...(c.user && { user: c.user }),
    ...(c.pass && { pass: c.pass }),
    tls_required: c.tlsRequired,
    ...(c.serverId && { server_id: c.serverId }),
    ...(c.domain && { domain: c.domain }),
    ...(c.name && { name: c.name }),
    ...(c.isHub && { is_hub: true }),
    ...(c.cluster && { cluster: c.cluster }),
    ...(c.headers && { headers: true }),
    ...(c.jetstream && { jetstream: true }),
    ...(c.denyPub.length > 0 && { deny_pub: c.denyPub }),
  });
}

/** Reads a leaf's CONNECT; null when it is not a JSON object (nats-server closes the connection). */
export function parseLeafConnect(json: string): LeafConnect | null {
  const o = parseJsonObject(json);
  if (!o) return null;
  const s = stringField(o);
  return {
    version: s('version'),
    jwt: s('jwt'),
    sig: s('sig'),
    user: s('user'),
    pass: s('pass'),
    tlsRequired: o.tls_required === true,
    serverId: s('server_id'),
    domain: s('domain'),
    name: s('name'),
    isHub: o.is_hub === true,
    cluster: s('cluster'),
    headers: o.headers === true,
    jetstream: o.jetstream === true,
    denyPub: Array.isArray(o.deny_pub) ? o.deny_pub.filter((x): x is string => typeof x === 'string') : [],
    gateway: s('gateway'),
    lang: s('lang'),
  };
}

/**
 * A remote's `credentials` file, read on each connect (as nats-server, so a rotated file is
 * picked up): the user JWT, and the nonce signed with the seed (base64url, no padding).
 */
export function signWithCredentials(path: string, nonce: string): { jwt: string; sig: string } {
  const creds = parseCreds(readFileSync(path));
  // Node's ed25519, not nkeys: the broker then never loads tweetnacl (start-up, docs/footprint.md).
  return { jwt: creds.jwt, sig: Buffer.from(signWithSeed(creds.seed, new TextEncoder().encode(nonce))).toString('base64url') };
}

/**
 * The host a leaf INFO advertises: `advertise` when set, else the listener's host, and for an
 * any-address listener the first non-loopback address (nats-server's getNonLocalIPsIfHostIsIPAny).
 */
export function advertisedHostPort(listenHost: string, port: number, advertise: string): { host: string; port: number } {
  if (advertise) {
    const i = advertise.lastIndexOf(':');
    if (i > 0 && /^\d+$/.test(advertise.slice(i + 1))) return { host: advertise.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(advertise.slice(i + 1)) };
    return { host: advertise, port };
  }
  if (listenHost !== '0.0.0.0' && listenHost !== '::' && listenHost !== '') return { host: listenHost, port };
  const v6 = listenHost === '::';
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (!a.internal && (v6 || a.family === 'IPv4')) return { host: a.address, port };
  }
  return { host: listenHost, port };
}

export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
