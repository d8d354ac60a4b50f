import { PROTOCOL_VERSION } from './constants.js';
import type { Server } from './server.js';

// /metrics on the monitoring port: the broker's counters in Prometheus' text format (0.0.4).
// nats-server has no /metrics; people scrape it through prometheus-nats-exporter, whose names
// (gnatsd_varz_in_msgs, …) are counters without `_total` or units and carry server_id as a label.
// We follow Prometheus' own conventions instead (switchboard_broker_*, `_total` counters, `_bytes`,
// no server label: the scrape target's `instance` says which node); the varz name each one
// mirrors is in its help text. Everything is read at scrape time from counters the routing path
// already keeps, so serving metrics costs the hot path nothing.

/** The `Content-Type` Prometheus expects for this format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function prometheusMetrics(server: Server): string {
  const out: string[] = [];
  const one = (name: string, type: 'gauge' | 'counter', help: string, value: number): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`);
  };
  out.push('# HELP switchboard_broker_info The broker node: protocol version it advertises, id and name', '# TYPE switchboard_broker_info gauge');
  out.push(`switchboard_broker_info{version="${label(PROTOCOL_VERSION)}",server_id="${label(server.id)}",server_name="${label(server.name)}"} 1`);
  one('switchboard_broker_start_time_seconds', 'gauge', 'When the node started (Unix seconds; varz start)', server.startTime.getTime() / 1000);
  one('switchboard_broker_connections', 'gauge', 'Client connections open now (varz connections)', server.clients.size);
  one('switchboard_broker_connections_total', 'counter', 'Client connections accepted since start (varz total_connections)', server.totalConnections);
  one('switchboard_broker_subscriptions', 'gauge', 'Subscriptions held now, all accounts (varz subscriptions)', server.numSubscriptions());
  one('switchboard_broker_in_messages_total', 'counter', 'Messages received from clients (varz in_msgs)', server.inMsgs);
  one('switchboard_broker_out_messages_total', 'counter', 'Messages delivered to clients (varz out_msgs)', server.outMsgs);
  one('switchboard_broker_in_bytes_total', 'counter', 'Payload bytes received from clients (varz in_bytes)', server.inBytes);
  one('switchboard_broker_out_bytes_total', 'counter', 'Payload bytes delivered to clients (varz out_bytes)', server.outBytes);
  one('switchboard_broker_slow_consumers_total', 'counter', 'Connections cut as slow consumers (varz slow_consumers)', server.slowConsumers);
  one('switchboard_broker_accounts', 'gauge', 'Accounts loaded on this node', server.accounts.size);
  one('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes (varz mem)', process.memoryUsage.rss());
  accountMetrics(server, out);
  out.push('');
  return out.join('\n');
}

// One series per account that has a connection now or has had traffic: an account only loaded
// (its JWT pushed) adds nothing, so thousands of idle tenants do not bloat every scrape.
const PER_ACCOUNT: ReadonlyArray<readonly [string, 'gauge' | 'counter', string]> = [
  ['switchboard_broker_account_connections', 'gauge', 'Client connections of the account open now (accstatz conns)'],
  ['switchboard_broker_account_subscriptions', 'gauge', 'Subscriptions the account holds now'],
  ['switchboard_broker_account_in_messages_total', 'counter', "Messages published by the account's clients (accstatz received.msgs)"],
  ['switchboard_broker_account_out_messages_total', 'counter', "Messages delivered to the account's clients (accstatz sent.msgs)"],
  ['switchboard_broker_account_in_bytes_total', 'counter', "Payload bytes published by the account's clients (accstatz received.bytes)"],
  ['switchboard_broker_account_out_bytes_total', 'counter', "Payload bytes delivered to the account's clients (accstatz sent.bytes)"],
  ['switchboard_broker_account_slow_consumers_total', 'counter', 'Connections of the account cut as slow consumers (accstatz slow_consumers)'],
];

function accountMetrics(server: Server, out: string[]): void {
  const rows: string[][] = PER_ACCOUNT.map(() => []);
  for (const a of server.accounts.values()) {
    const u = a.usage;
    if (a.numConnections === 0 && u.totalConnections === 0 && u.inMsgs === 0 && u.outMsgs === 0) continue;
    const l = `{account="${label(a.name)}"}`;
    const values = [a.numConnections, a.sublist.count(), u.inMsgs, u.outMsgs, u.inBytes, u.outBytes, u.slowConsumers];
    for (let i = 0; i < values.length; i++) rows[i]!.push(`${PER_ACCOUNT[i]![0]}${l} ${values[i]}`);
  }
  PER_ACCOUNT.forEach(([name, type, help], i) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...rows[i]!));
}

/** A label value as the text format needs it: backslash, double quote and newline escaped. */
function label(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
