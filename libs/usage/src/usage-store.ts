// Usage in PostgreSQL (table account_usage, see prisma/schema.prisma): one row per broker run,
// account and hour. Writes are idempotent upserts: a replayed or late sample never adds twice.
import type { Db } from '@switchboard/db';
import type { UsageSample } from '@switchboard/accounts';

export const HOUR_MS = 3_600_000;

export interface UsageCounters {
  msgsIn: number;
  msgsOut: number;
  bytesIn: number;
  bytesOut: number;
  /** Peak concurrent connections (summed over brokers, highest hour for totals). */
  connections: number;
  /** Peak subscriptions, the same way. */
  subscriptions: number;
  /** Peak leaf node connections, the same way. */
  leafNodes: number;
  throttledMs: number;
  /** Connections opened. */
  connectionsOpened: number;
  /** Peak JetStream bytes stored in memory / file streams, streams and consumers (summed over brokers, highest hour for totals). */
  jsMemory: number;
  jsStorage: number;
  jsStreams: number;
  jsConsumers: number;
}

export interface HourlyUsage extends UsageCounters {
  /** Start of the hour (ISO 8601). */
  period: string;
}

export interface UsageReport {
  accountKey: string;
  from: Date;
  to: Date;
  totals: UsageCounters;
  hourly: HourlyUsage[];
}

type Raw = Pick<Db, '$executeRaw' | '$queryRaw'>;

export class UsageStore {
  constructor(private readonly db: Raw) {}

  /**
   * Adds one sample. The row of (server, account, hour) starts from the previous row of the same
   * broker run (its last values), or from 0 for a run not seen before; later samples only raise
   * `last*` and the peaks. Replays and out-of-order samples within the hour change nothing.
   */
  async record(s: UsageSample): Promise<void> {
    const period = new Date(Math.floor(s.at.getTime() / HOUR_MS) * HOUR_MS);
    await this.db.$executeRaw`
      INSERT INTO account_usage (server_id, server_name, account_key, period_start,
        base_msgs_in, base_msgs_out, base_bytes_in, base_bytes_out, base_conns, base_throttled_ms,
        last_msgs_in, last_msgs_out, last_bytes_in, last_bytes_out, last_conns, last_throttled_ms,
        peak_connections, peak_subscriptions, peak_leaf_nodes, peak_js_memory, peak_js_storage, peak_js_streams, peak_js_consumers, updated_at)
      SELECT ${s.serverId}, ${s.serverName}, ${s.account}, ${period},
        COALESCE(p.last_msgs_in, 0), COALESCE(p.last_msgs_out, 0), COALESCE(p.last_bytes_in, 0),
        COALESCE(p.last_bytes_out, 0), COALESCE(p.last_conns, 0), COALESCE(p.last_throttled_ms, 0),
        ${s.msgsIn}::bigint, ${s.msgsOut}::bigint, ${s.bytesIn}::bigint, ${s.bytesOut}::bigint,
        ${s.totalConns}::bigint, ${s.throttledMs}::bigint, ${s.connections}::int, ${s.subscriptions}::int, ${s.leafNodes}::int,
        ${s.jsMemory}::bigint, ${s.jsStorage}::bigint, ${s.jsStreams}::int, ${s.jsConsumers}::int, now()
      FROM (SELECT 1) AS one
      LEFT JOIN LATERAL (
        SELECT * FROM account_usage
        WHERE server_id = ${s.serverId} AND account_key = ${s.account} AND period_start < ${period}
        ORDER BY period_start DESC LIMIT 1
      ) AS p ON true
      ON CONFLICT (server_id, account_key, period_start) DO UPDATE SET
        last_msgs_in = GREATEST(account_usage.last_msgs_in, EXCLUDED.last_msgs_in),
        last_msgs_out = GREATEST(account_usage.last_msgs_out, EXCLUDED.last_msgs_out),
        last_bytes_in = GREATEST(account_usage.last_bytes_in, EXCLUDED.last_bytes_in),
        last_bytes_out = GREATEST(account_usage.last_bytes_out, EXCLUDED.last_bytes_out),
        last_conns = GREATEST(account_usage.last_conns, EXCLUDED.last_conns),
        last_throttled_ms = GREATEST(account_usage.last_throttled_ms, EXCLUDED.last_throttled_ms),
        peak_connections = GREATEST(account_usage.peak_connections, EXCLUDED.peak_connections),
        peak_subscriptions = GREATEST(account_usage.peak_subscriptions, EXCLUDED.peak_subscriptions),
        peak_leaf_nodes = GREATEST(account_usage.peak_leaf_nodes, EXCLUDED.peak_leaf_nodes),
        peak_js_memory = GREATEST(account_usage.peak_js_memory, EXCLUDED.peak_js_memory),
        peak_js_storage = GREATEST(account_usage.peak_js_storage, EXCLUDED.peak_js_storage),
        peak_js_streams = GREATEST(account_usage.peak_js_streams, EXCLUDED.peak_js_streams),
        peak_js_consumers = GREATEST(account_usage.peak_js_consumers, EXCLUDED.peak_js_consumers),
        updated_at = now()`;
  }

  /** Hourly use of an account for the hours starting in [from, to), summed over brokers. */
  async report(accountKey: string, from: Date, to: Date): Promise<UsageReport> {
    const rows = await this.db.$queryRaw<Record<string, bigint | Date>[]>`
      SELECT period_start,
        SUM(last_msgs_in - base_msgs_in)::bigint AS msgs_in,
        SUM(last_msgs_out - base_msgs_out)::bigint AS msgs_out,
        SUM(last_bytes_in - base_bytes_in)::bigint AS bytes_in,
        SUM(last_bytes_out - base_bytes_out)::bigint AS bytes_out,
        SUM(last_conns - base_conns)::bigint AS conns_opened,
        SUM(last_throttled_ms - base_throttled_ms)::bigint AS throttled_ms,
        SUM(peak_connections)::bigint AS connections,
        SUM(peak_subscriptions)::bigint AS subscriptions,
        SUM(peak_leaf_nodes)::bigint AS leaf_nodes,
        SUM(peak_js_memory)::bigint AS js_memory,
        SUM(peak_js_storage)::bigint AS js_storage,
        SUM(peak_js_streams)::bigint AS js_streams,
        SUM(peak_js_consumers)::bigint AS js_consumers
      FROM account_usage
      WHERE account_key = ${accountKey} AND period_start >= ${from} AND period_start < ${to}
      GROUP BY period_start ORDER BY period_start`;
    const hourly: HourlyUsage[] = rows.map((r) => ({
      period: (r.period_start as Date).toISOString(),
      msgsIn: Number(r.msgs_in),
      msgsOut: Number(r.msgs_out),
      bytesIn: Number(r.bytes_in),
      bytesOut: Number(r.bytes_out),
      connections: Number(r.connections),
      subscriptions: Number(r.subscriptions),
      leafNodes: Number(r.leaf_nodes),
      throttledMs: Number(r.throttled_ms),
      connectionsOpened: Number(r.conns_opened),
      jsMemory: Number(r.js_memory),
      jsStorage: Number(r.js_storage),
      jsStreams: Number(r.js_streams),
      jsConsumers: Number(r.js_consumers),
    }));
    const totals: UsageCounters = {
      msgsIn: 0,
      msgsOut: 0,
      bytesIn: 0,
      bytesOut: 0,
      connections: 0,
      subscriptions: 0,
      leafNodes: 0,
      throttledMs: 0,
      connectionsOpened: 0,
      jsMemory: 0,
      jsStorage: 0,
      jsStreams: 0,
      jsConsumers: 0,
    };
    for (const h of hourly) {
      totals.msgsIn += h.msgsIn;
      totals.msgsOut += h.msgsOut;
      totals.bytesIn += h.bytesIn;
      totals.bytesOut += h.bytesOut;
      totals.throttledMs += h.throttledMs;
      totals.connectionsOpened += h.connectionsOpened;
      totals.connections = Math.max(totals.connections, h.connections);
      totals.subscriptions = Math.max(totals.subscriptions, h.subscriptions);
      totals.leafNodes = Math.max(totals.leafNodes, h.leafNodes);
      totals.jsMemory = Math.max(totals.jsMemory, h.jsMemory);
      totals.jsStorage = Math.max(totals.jsStorage, h.jsStorage);
      totals.jsStreams = Math.max(totals.jsStreams, h.jsStreams);
      totals.jsConsumers = Math.max(totals.jsConsumers, h.jsConsumers);
    }
    return { accountKey, from, to, totals, hourly };
  }
}
