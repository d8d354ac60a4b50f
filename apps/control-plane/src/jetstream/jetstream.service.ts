// An account's JetStream as the console shows it. Streams, consumers and buckets come from the
// monitored brokers' /jsz. KV keys and values are read through a broker with nats.js as a user of
// the account made for this one read: signed by the account's signing key, allowed only that
// bucket's read subjects, expiring after a minute; its seed stays in this process's memory and is
// cleared once the connection is closed. Reads make no consumer (nats.js's keys() and history()
// would leave an ordered consumer for five minutes, counted against the tenant's consumer limit):
// keys from STREAM.INFO's subjects_filter, values with STREAM.MSG.GET (last_by_subj, next_by_subj).
import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import type { Database } from '@switchboard/db';
import { issueKvReader, openSigner } from '@switchboard/issuer';
import type { Keyring } from '@switchboard/secrets';
import { jetstreamManager, type JetStreamManager, type MsgRequest, type StoredMsg } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { connect, jwtAuthenticator, nuid, type NatsConnection } from '@nats-io/transport-node';
import { AccountsService } from '../accounts/accounts.service.js';
import { notFound, tenantScope, type Caller } from '../auth/caller.js';
import { getJson } from '../monitoring/monitoring.service.js';
import { DATABASE, KEYRING } from '../tokens.js';
import { issuingAccount } from '../users/user-rows.js';
import { accountJsz, bucketView, streamView, type AccountJsz } from './jsz-views.js';
import { KV_KEYS_LIMIT, type BucketsView, type BucketView, type KvEntryView, type KvKeysView, type KvKeyView, type StreamsView } from './jetstream.schema.js';

/** How long one KV read may take, connection included. */
const KV_READ_MS = 10_000;
const utf8 = new TextDecoder('utf-8', { fatal: true });

interface BrokerRow {
  name: string;
  url: string;
  monitorUrl: string | null;
}

/** One stored KV entry: its operation is the KV-Operation header (none = PUT), its revision the stream sequence. */
function entryView(m: StoredMsg): KvEntryView {
  let value: string;
  let encoding: 'utf8' | 'base64' = 'utf8';
  try {
    value = utf8.decode(m.data);
  } catch {
    value = Buffer.from(m.data).toString('base64');
    encoding = 'base64';
  }
  return { revision: m.seq, operation: m.header.get('KV-Operation') || 'PUT', created: m.time.toISOString(), length: m.data.length, value, encoding };
}

/** Keys whose newest entry is checked at once (each a STREAM.MSG.GET). */
const KEY_CHECKS_AT_ONCE = 16;

interface BucketReader {
  kv: KV;
  jsm: JetStreamManager;
  stream: string;
  /** `$KV.<bucket>.` */
  prefix: string;
}

function withDeadline<T>(p: Promise<T>, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new ServiceUnavailableException(`${what} took longer than ${KV_READ_MS / 1000} s`)), KV_READ_MS);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(t));
}

@Injectable()
export class JetStreamService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(KEYRING) private readonly keyring: Keyring,
    private readonly accounts: AccountsService,
  ) {}

  /** The account's /jsz detail from every monitored broker that has one; brokers that did not answer by name. */
  private async jsz(publicKey: string): Promise<{ at: Array<{ broker: BrokerRow; js: AccountJsz }>; unreachable: string[] }> {
    const brokers = await this.db.prisma.broker.findMany({ where: { monitorUrl: { not: null } }, orderBy: { name: 'asc' } });
    const at: Array<{ broker: BrokerRow; js: AccountJsz }> = [];
    const unreachable: string[] = [];
    await Promise.all(
      brokers.map(async (b) => {
        try {
          const js = accountJsz(await getJson(b.monitorUrl!, `jsz?acc=${encodeURIComponent(publicKey)}&streams=true&consumers=true&config=true`), publicKey);
          if (js) at.push({ broker: b, js });
        } catch {
          unreachable.push(b.name);
        }
      }),
    );
    at.sort((x, y) => x.broker.name.localeCompare(y.broker.name));
    unreachable.sort();
    return { at, unreachable };
  }

  async streams(caller: Caller, accountId: string): Promise<StreamsView> {
    const account = await this.accounts.find(caller, accountId);
    const { at, unreachable } = await this.jsz(account.publicKey);
    return {
      memory: at.reduce((n, x) => n + x.js.memory, 0),
      storage: at.reduce((n, x) => n + x.js.storage, 0),
      items: at
        .flatMap((x) => x.js.streams.map((s) => streamView(x.broker.name, s)))
        .sort((a, b) => a.name.localeCompare(b.name) || a.broker.localeCompare(b.broker)),
      unreachable,
    };
  }

  async buckets(caller: Caller, accountId: string): Promise<BucketsView> {
    const account = await this.accounts.find(caller, accountId);
    const { at, unreachable } = await this.jsz(account.publicKey);
    const items: BucketView[] = [];
    for (const x of at)
      for (const s of x.js.streams) {
        const b = bucketView(streamView(x.broker.name, s), (s.config ?? {}) as Record<string, unknown>);
        if (b) items.push(b);
      }
    items.sort((a, b) => a.bucket.localeCompare(b.bucket) || a.broker.localeCompare(b.broker));
    return { items, unreachable };
  }

  async keys(caller: Caller, accountId: string, bucket: string): Promise<KvKeysView> {
    return this.withBucket(caller, accountId, bucket, async ({ kv, jsm, stream, prefix }) => {
      const si = await jsm.streams.info(stream, { subjects_filter: `${prefix}>` });
      const candidates = Object.keys(si.state.subjects ?? {})
        .filter((s) => s.startsWith(prefix))
        .map((s) => s.slice(prefix.length))
        .sort();
      // A deleted or purged key keeps a marker as its newest entry: left out, as nats.js's keys() does.
      const items: string[] = [];
      for (let i = 0; i < candidates.length && items.length <= KV_KEYS_LIMIT; i += KEY_CHECKS_AT_ONCE) {
        const batch = candidates.slice(i, i + KEY_CHECKS_AT_ONCE);
        const newest = await Promise.all(batch.map((k) => kv.get(k)));
        batch.forEach((k, j) => newest[j]?.operation === 'PUT' && items.push(k));
      }
      return { bucket, items: items.slice(0, KV_KEYS_LIMIT), truncated: items.length > KV_KEYS_LIMIT };
    });
  }

  async key(caller: Caller, accountId: string, bucket: string, key: string): Promise<KvKeyView> {
    return this.withBucket(caller, accountId, bucket, async ({ jsm, stream, prefix }) => {
      const subject = `${prefix}${key}`;
      const si = await jsm.streams.info(stream, { subjects_filter: subject });
      const count = si.state.subjects?.[subject] ?? 0;
      const history: KvEntryView[] = [];
      let seq = si.state.first_seq;
      while (history.length < count) {
        // nats.js's types name only seq or last_by_subj; the server takes next_by_subj with seq (nats-server 2.9).
        const m = await jsm.streams.getMessage(stream, { seq, next_by_subj: subject } as unknown as MsgRequest);
        if (!m) break;
        history.push(entryView(m));
        seq = m.seq + 1;
      }
      const current = history.at(-1);
      if (!current) throw notFound('key');
      return { bucket, key, current, history };
    });
  }

  /** Runs `read` on the bucket through the broker whose /jsz lists it, connected as a one-minute reader of that bucket. */
  private async withBucket<T>(caller: Caller, accountId: string, bucket: string, read: (r: BucketReader) => Promise<T>): Promise<T> {
    const account = await this.accounts.find(caller, accountId);
    const { at } = await this.jsz(account.publicKey);
    const where = at.find((x) => x.js.streams.some((s) => s.name === `KV_${bucket}`));
    if (!where) throw notFound('bucket');
    const issuing = await issuingAccount(this.db.prisma, accountId, tenantScope(caller).tenantId);
    if (!issuing?.signingKey) throw notFound('signing key');
    const inboxPrefix = `_INBOX_console.${nuid.next()}`;
    const reader = issueKvReader({ account: account.publicKey, bucket, inboxPrefix }, openSigner(this.keyring, issuing.signingKey));
    let nc: NatsConnection | undefined;
    try {
      return await withDeadline(
        (async () => {
          try {
            nc = await connect({
              servers: where.broker.url,
              authenticator: jwtAuthenticator(reader.jwt, reader.pair.getSeed()),
              inboxPrefix,
              name: 'switchboard-console',
              reconnect: false,
              timeout: 5000,
            });
          } catch (e) {
            throw new ServiceUnavailableException(`broker ${where.broker.name} did not take the connection: ${e instanceof Error ? e.message : String(e)}`);
          }
          const kv = await new Kvm(nc).open(bucket);
          return read({ kv, jsm: await jetstreamManager(nc, { checkAPI: false }), stream: `KV_${bucket}`, prefix: `$KV.${bucket}.` });
        })(),
        `reading bucket ${bucket}`,
      );
    } finally {
      await nc?.close().catch(() => {});
      reader.pair.clear();
    }
  }
}
