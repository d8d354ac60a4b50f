import { applyClusterFlag, parseRoutesFlag, type ClusterOptions } from '@switchboard/server';
import type { ClusterFlags } from './flags.js';

/** The cluster flags laid over the config's `cluster { }`, as nats-server's MergeOptions does. */
export function withClusterFlags(base: ClusterOptions, f: ClusterFlags): ClusterOptions {
  const o: ClusterOptions = { ...base, routes: [...base.routes] };
  if (f.listen !== undefined) applyClusterFlag(o, f.listen);
  if (f.name !== undefined) o.name = f.name;
  if (f.routes !== undefined) o.routes = parseRoutesFlag(f.routes);
  if (f.advertise !== undefined) o.advertise = f.advertise;
  if (f.noAdvertise !== undefined) o.noAdvertise = f.noAdvertise;
  if (f.connectRetries !== undefined) o.connectRetries = f.connectRetries;
  return o;
}
