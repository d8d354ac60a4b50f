import type { AccountJs, TieredAccountLimits } from '@switchboard/jetstream';
import type { ServerJetStream } from './jetstream-host.js';
import type { Server } from './server.js';

/**
 * `/jsz` as nats-server 2.9.10 answers it (JSInfo): the server's JetStream config and totals,
 * and with `?accounts=true` or `?acc=<name>` one AccountDetail per account with JetStream
 * (reserved_memory/reserved_storage are the account's limits, -1 read as Go's uint64: 2^64-1),
 * `?streams=true` adds stream_detail (config with `?config=true`), `?consumers=true` (which implies
 * streams) each stream's consumer_detail: the consumers' info, their config also only with config.
 */

/** Written in place of 2^64-1 (JSON numbers in JS cannot hold it); the monitor swaps it back in the text. */
export const U64_MAX_MARK = '__u64_max__';
export const U64_MAX = '18446744073709551615';

export interface JszOptions {
  accounts: boolean;
  acc: string;
  streams: boolean;
  consumers: boolean;
  config: boolean;
}

const u64 = (n: number): number | string => (n < 0 ? U64_MAX_MARK : n);

export function jsz(server: Server, o: JszOptions): Record<string, unknown> | null {
  const sj = server.jetstream;
  if (sj === null) return null;
  const js = sj.js;
  let streams = 0;
  let consumers = 0;
  let messages = 0;
  let bytes = 0;
  let accounts = 0;
  let total = 0;
  let errors = 0;
  const enabled: AccountJs[] = [];
  for (const a of js.accounts.values()) {
    if (!a.enabled) continue;
    enabled.push(a);
    accounts++;
    total += a.api.total;
    errors += a.api.errors;
    for (const s of a.streams.values()) {
      streams++;
      consumers += s.consumers?.size ?? 0;
      const st = s.store.state();
      messages += st.msgs;
      bytes += st.bytes;
    }
  }
  const config: Record<string, unknown> = { max_memory: js.maxMemory, max_storage: js.maxStore, store_dir: js.storeDir };
  if (js.domain) config.domain = js.domain;
  config.compress_ok = true;
  const out: Record<string, unknown> = {
    server_id: server.id,
    now: new Date().toISOString(),
    config,
    memory: js.memUsed,
    storage: js.storeUsed,
    reserved_memory: js.memReserved,
    reserved_storage: js.storeReserved,
    accounts,
    ha_assets: 0,
    api: { total, errors },
    streams,
    consumers,
    messages,
    bytes,
  };
  if (o.accounts || o.acc !== '') {
    const details = enabled.filter((a) => o.acc === '' || a.name === o.acc).map((a) => accountDetail(server, sj, a, o));
    if (details.length > 0) out.account_details = details;
  }
  return out;
}

function accountDetail(server: Server, sj: ServerJetStream, a: AccountJs, o: JszOptions): Record<string, unknown> {
  const limits = a.limits as Partial<TieredAccountLimits>;
  const l = limits.tiers?.get('') ?? limits.tiers?.get('R1');
  const d: Record<string, unknown> = {
    name: a.name,
    id: a.name,
    memory: a.usage.memory,
    storage: a.usage.storage,
    reserved_memory: u64(l?.maxMemory ?? -1),
    reserved_storage: u64(l?.maxStore ?? -1),
    accounts: 0,
    ha_assets: 0,
    api: { total: a.api.total, errors: a.api.errors },
  };
  if ((o.streams || o.consumers) && a.streams.size > 0) {
    d.stream_detail = [...a.streams.values()].map((s) => {
      const info = sj.streamInfoJSON(a, s);
      const sd: Record<string, unknown> = { name: s.name, created: info.created, cluster: { leader: server.name } };
      if (o.config) sd.config = info.config;
      sd.state = info.state;
      if (o.consumers) {
        const consumers = sj.consumerDetailJSON(s, o.config);
        if (consumers.length > 0) sd.consumer_detail = consumers;
      }
      if (info.mirror) sd.mirror = info.mirror;
      if (info.sources) sd.sources = info.sources;
      return sd;
    });
  }
  return d;
}
