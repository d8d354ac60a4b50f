// The JWT a job pushes is read when the job runs, never carried in the job: an old job
// therefore pushes the newest JWT, and any number of stale enqueues cost one push.
import type { Db } from '@switchboard/db';

export interface CurrentJwt {
  jwt: string;
  issuedAt: Date;
}

export interface AccountJwtSource {
  /** The account's current JWT, or null when the account no longer exists. */
  current(publicKey: string): Promise<CurrentJwt | null>;
}

/**
 * Reads Account.jwt from the control-plane database. Lookups made in the same turn of the
 * event loop share one `WHERE public_key IN (...)` query: a worker running hundreds of jobs at
 * once does a handful of queries instead of hundreds.
 */
export class DbJwtSource implements AccountJwtSource {
  private pending = new Map<string, Array<(v: CurrentJwt | null | Error) => void>>();
  private scheduled = false;

  constructor(
    private readonly db: Db,
    private readonly maxBatch = 500,
  ) {}

  current(publicKey: string): Promise<CurrentJwt | null> {
    return new Promise((resolve, reject) => {
      let waiters = this.pending.get(publicKey);
      if (!waiters) this.pending.set(publicKey, (waiters = []));
      waiters.push((v) => (v instanceof Error ? reject(v) : resolve(v)));
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = new Map();
    const keys = [...batch.keys()];
    for (let i = 0; i < keys.length; i += this.maxBatch) void this.load(keys.slice(i, i + this.maxBatch), batch);
  }

  private async load(keys: string[], batch: Map<string, Array<(v: CurrentJwt | null | Error) => void>>): Promise<void> {
    let rows: Array<{ publicKey: string; jwt: string; jwtIssuedAt: Date }>;
    try {
      rows = await this.db.account.findMany({ where: { publicKey: { in: keys } }, select: { publicKey: true, jwt: true, jwtIssuedAt: true } });
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      for (const k of keys) for (const w of batch.get(k)!) w(err);
      return;
    }
    const found = new Map(rows.map((r) => [r.publicKey, { jwt: r.jwt, issuedAt: r.jwtIssuedAt }]));
    for (const k of keys) for (const w of batch.get(k)!) w(found.get(k) ?? null);
  }
}
