import { formatGoDuration, formatUptime } from './durations.js';
import type { Server } from './server.js';
import { DEFAULT_TLS_TIMEOUT } from './tls-context.js';

export interface RoutezOptions {
  /** `subs=1`: each route's subscriptions (subject, or `subject queue`). */
  subs: boolean;
}

/** /routez in nats-server 2.9's shape (monitor.go Routez, RouteInfo). */
export function routez(server: Server, opts: RoutezOptions): Record<string, unknown> {
  const now = new Date();
  const routes = [...(server.cluster?.routes.values() ?? [])].map((r) => {
    const entry: Record<string, unknown> = {
      rid: r.cid,
      remote_id: r.remoteId,
      did_solicit: r.didSolicit,
      is_configured: r.explicit,
      ip: r.ip,
      port: r.port,
      start: r.start.toISOString(),
      last_activity: new Date(r.lastActivity).toISOString(),
      rtt: formatGoDuration(r.rtt),
      uptime: formatUptime(now.getTime() - r.start.getTime()),
      idle: formatUptime(now.getTime() - r.lastActivity),
      pending_size: r.pendingBytes,
      in_msgs: r.inMsgs,
      out_msgs: r.outMsgs,
      in_bytes: r.inBytes,
      out_bytes: r.outBytes,
      subscriptions: r.remoteSubs.size,
    };
    if (opts.subs && r.remoteSubs.size > 0) entry.subscriptions_list = [...r.remoteSubs.keys()].map((k) => k.slice(k.indexOf(' ') + 1));
    return entry;
  });
  return { server_id: server.id, now: now.toISOString(), num_routes: routes.length, routes };
}

/** /varz `cluster`: nats-server's ClusterOptsVarz (empty when not clustered). */
export function clusterVarz(server: Server): Record<string, unknown> {
  const c = server.cluster;
  if (c === null) return {};
  const out: Record<string, unknown> = { name: c.name, addr: c.host, cluster_port: c.port, auth_timeout: c.opts.authTimeout };
  if (c.opts.routes.length > 0) out.urls = c.opts.routes.map((r) => `${r.host}:${r.port}`);
  // nats-server reports the TLS timeout whether or not routes use TLS; verify goes with TLS.
  out.tls_timeout = (c.opts.tls?.timeout ?? DEFAULT_TLS_TIMEOUT) / 1000;
  if (c.opts.tls !== null) {
    out.tls_required = true;
    out.tls_verify = true;
  }
  return out;
}
