import type { AccountJs } from './account-js.js';
import { ConsumerSet, realClock } from './consumer/index.js';
import type { Stream, StreamConsumers } from './stream.js';

/**
 * The glue between a stream and consumer/set.ts: the stream is the set's StreamLink, the
 * account's host its ConsumerHost; saved consumers come back with the stream.
 */
export function defaultConsumers(stream: Stream, acc: AccountJs, metaDir: string | null): StreamConsumers {
  const set = new ConsumerSet({
    stream,
    host: acc.host,
    clock: realClock,
    metaDir,
    // Acks are handled before the handler returns: views of the read buffer, no copies.
    subscribe: (subject, handler) => acc.host.subscribeViews(subject, handler),
    limits: () => {
      const l = acc.limits.consumerLimits?.(acc);
      return { maxAckPending: 0, maxRequestBatch: 0, accountMaxAckPending: l?.maxAckPending ?? 0, maxConsumers: l?.maxConsumers ?? 0 };
    },
  });
  const n = set.restore((text) => acc.log('WRN', text));
  if (n > 0) acc.log('INF', `  Restored ${n} consumers for stream '${acc.name} > ${stream.name}'`);
  return set;
}
