import { usageSnapshot, type Account, type JetStreamUsage } from '@switchboard/accounts';
import { decode, type AccountClaims } from '@switchboard/nats-jwt';
import { SYSTEM_ACCOUNT } from './constants.js';
import type { Server } from './server.js';
import type { Subscription } from './subscription.js';

// nats-server 2.9's /accountz and /accstatz (server/monitor.go), from the broker's own state and
// the account JWT last applied. `decoded_jwt` is the JWT's own payload (nats-server re-encodes it
// with its defaults filled in); `switchboard_usage` is ours: the counters the usage events carry,
// with the account's JetStream storage when it has JetStream.

/** The system account's name: the operator's system account key in operator mode, else `$SYS`. */
export function systemAccountName(server: Server): string {
  const sys = (server.events as Partial<{ pubkey: string }> | null)?.pubkey;
  return sys || server.opts.systemAccount || SYSTEM_ACCOUNT;
}

/** /accountz: the account names, or with `acc` that account's detail. Throws nats-server's text for an unknown one. */
export function accountz(server: Server, acc = ''): Record<string, unknown> {
  const head = { server_id: server.id, now: new Date().toISOString(), system_account: systemAccountName(server) };
  if (acc === '') return { ...head, accounts: [...server.accounts.keys()] };
  const a = server.accounts.get(acc);
  if (a === undefined) throw new Error(`Account ${acc} does not exist`);
  return { ...head, account_detail: accountDetail(server, a) };
}

function accountDetail(server: Server, a: Account<Subscription>): Record<string, unknown> {
  const d: Record<string, unknown> = { account_name: a.name, update_time: a.updated.toISOString() };
  if (a.name === systemAccountName(server)) d.is_system = true;
  const claims = claimsOf(a.jwt);
  d.expired = claims?.exp !== undefined && claims.exp > 0 && claims.exp * 1000 <= Date.now();
  d.complete = true;
  const js = jetStreamUsage(server, a.name);
  d.jetstream_enabled = js !== undefined;
  d.leafnode_connections = a.numLeafNodes;
  d.client_connections = a.numConnections;
  d.subscriptions = a.sublist.count();
  const exports = [
    ...[...a.streamExports.keys()].map((subject) => ({ subject, type: 'stream' })),
    ...[...a.serviceExports.keys()].map((subject) => ({ subject, type: 'service' })),
  ];
  if (exports.length > 0) d.exports = exports;
  const imports = a.streamImports.map((si) => ({
    subject: si.from,
    account: si.exporter.name,
    to: si.to,
    type: 'stream',
    invalid: false,
    share: false,
    tracking: false,
  }));
  for (const si of a.serviceImports?.all() ?? [])
    imports.push({ subject: si.from, account: si.exporter.name, to: si.to, type: 'service', invalid: false, share: si.share, tracking: false });
  if (imports.length > 0) d.imports = imports;
  if (claims !== null) {
    d.jwt = a.jwt;
    d.issuer_key = claims.iss;
    if (claims.name) d.name_tag = claims.name;
    if (claims.nats.tags?.length) d.tags = claims.nats.tags;
    d.decoded_jwt = claims;
    const revoked = Object.entries(claims.nats.revocations ?? {});
    // Go's time.Time of Unix seconds: RFC 3339 without fractions.
    if (revoked.length > 0) d.revoked_user = Object.fromEntries(revoked.map(([k, t]) => [k, new Date(t * 1000).toISOString().replace('.000Z', 'Z')]));
  }
  d.sublist_stats = a.sublist.stats();
  d.switchboard_usage = { ...usageSnapshot(a.usage, a.numConnections, a.sublist.count()), ...(js !== undefined ? { jetstream: js } : {}) };
  return d;
}

/** The account's JetStream gauges (`$JS.API.INFO`'s counts), when it has JetStream here. */
export function jetStreamUsage(server: Server, name: string): JetStreamUsage | undefined {
  const a = server.jetstream?.js.accounts.get(name);
  if (a === undefined || !a.enabled) return undefined;
  return { memory: a.usage.memory, storage: a.usage.storage, streams: a.streams.size, consumers: a.consumerCount() };
}

/** nats-server's AccountStat: what `$SYS.ACCOUNT.<id>.SERVER.CONNS` carries after its event header. */
export function accountStat(a: Account<Subscription>): Record<string, unknown> {
  const u = a.usage;
  return {
    acc: a.name,
    conns: a.numConnections,
    leafnodes: a.numLeafNodes,
    total_conns: a.numConnections + a.numLeafNodes,
    sent: { msgs: u.outMsgs, bytes: u.outBytes },
    received: { msgs: u.inMsgs, bytes: u.inBytes },
    slow_consumers: u.slowConsumers,
  };
}

/** /accstatz: per-account connection and traffic counters of accounts in use (all with `unused`). */
export function accstatz(server: Server, unused = false): Record<string, unknown> {
  const list: Record<string, unknown>[] = [];
  for (const a of server.accounts.values()) if (unused || a.numConnections > 0 || a.numLeafNodes > 0) list.push(accountStat(a));
  return { server_id: server.id, now: new Date().toISOString(), account_statz: list };
}

function claimsOf(jwt: string): AccountClaims | null {
  if (jwt === '') return null;
  try {
    const d = decode(jwt);
    return d.type === 'account' ? (d.claims as AccountClaims) : null;
  } catch {
    return null;
  }
}
