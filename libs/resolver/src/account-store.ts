import { isAccountKey, type AccountClaims, type Trust } from '@switchboard/nats-jwt';
import type { DiskCache } from './disk-cache.js';
import { admit, decide } from './newest-wins.js';
import type { AccountUpdate, ResolverLogger, StoreResult, UpdateListener } from './resolver.js';

// The JWTs a resolver holds: one per account, in memory and (optionally) on disk, replaced only
// by the newest-wins rule, with offers for one account applied one at a time so a slow disk
// write can never let an older token land after a newer one.

export interface Held {
  jwt: string;
  claims: AccountClaims;
}

export interface AccountStoreOptions {
  trust: Trust;
  disk?: DiskCache | undefined;
  /** 'required': a failed disk write rejects the offer (the directory is the store). 'cache': it is logged and the JWT is held in memory anyway. */
  persist?: 'required' | 'cache';
  logger?: ResolverLogger | undefined;
  now?: () => number;
}

export class AccountStore {
  private readonly held = new Map<string, Held>();
  private readonly listeners = new Set<UpdateListener>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly trust: Trust;
  private readonly disk: DiskCache | undefined;
  private readonly persist: 'required' | 'cache';
  private readonly logger: ResolverLogger | undefined;
  private readonly now: () => number;

  constructor(opts: AccountStoreOptions) {
    this.trust = opts.trust;
    this.disk = opts.disk;
    this.persist = opts.persist ?? 'required';
    this.logger = opts.logger;
    this.now = opts.now ?? Date.now;
  }

  /** The JWT held in memory. */
  get(pubkey: string): Held | undefined {
    return this.held.get(pubkey);
  }

  /** Held in memory, else read from disk (if it still passes the checks), else undefined. */
  async load(pubkey: string): Promise<Held | undefined> {
    const h = this.held.get(pubkey);
    if (h !== undefined || this.disk === undefined || !isAccountKey(pubkey)) return h;
    const jwt = await this.disk.read(pubkey);
    if (jwt === undefined) return undefined;
    const a = admit(pubkey, jwt, this.trust, this.now());
    if (!a.ok) {
      this.logger?.warn(`account resolver: ignoring cached JWT in ${this.disk.dir}: ${a.reason}`);
      return undefined;
    }
    // A concurrent offer may have filled the slot while the file was read: it is at least as new.
    const now = this.held.get(pubkey);
    if (now !== undefined) return now;
    const loaded = { jwt, claims: a.claims };
    this.held.set(pubkey, loaded);
    return loaded;
  }

  /** Forgets the in-memory copy (the disk file stays). */
  forget(pubkey: string): void {
    this.held.delete(pubkey);
  }

  /** Offers a JWT for an account; never rejects. */
  offer(pubkey: string, jwt: string): Promise<StoreResult> {
    return this.serial(pubkey, () =>
      this.apply(pubkey, jwt).catch((e: unknown): StoreResult => ({ status: 'rejected', reason: `account ${pubkey}: ${(e as Error).message}` })),
    );
  }

  onUpdate(listener: UpdateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async apply(pubkey: string, jwt: string): Promise<StoreResult> {
    if (!isAccountKey(pubkey)) return { status: 'rejected', reason: `not an account public key: ${String(pubkey).slice(0, 60)}` };
    if (typeof jwt !== 'string') return { status: 'rejected', reason: 'account JWT is not a string' };
    jwt = jwt.trim();
    const a = admit(pubkey, jwt, this.trust, this.now());
    if (!a.ok) return { status: 'rejected', reason: a.reason };
    const held = await this.load(pubkey);
    const d = decide(held?.claims, a.claims);
    if (d === 'unchanged') return { status: 'unchanged' };
    if (d === 'stale')
      return { status: 'stale', reason: `account ${pubkey}: the held JWT (iat ${held!.claims.iat}) is newer than the one offered (iat ${a.claims.iat})` };
    // Applied to live connections before the disk write: a revocation must not wait for an fsync
    // (nats-server's DirJWTStore calls back after a plain write, without one). The offer still
    // resolves, and the claims update is answered, only once the file is on disk.
    const next = { jwt, claims: a.claims };
    this.held.set(pubkey, next);
    if (held !== undefined) this.emit({ pubkey, jwt, claims: a.claims, previous: held.jwt });
    if (this.disk !== undefined) {
      try {
        await this.disk.write(pubkey, jwt);
      } catch (e) {
        const reason = `could not save account ${pubkey} JWT in ${this.disk.dir}: ${(e as Error).message}`;
        if (this.persist === 'required') {
          // Not stored: a retry of the same JWT must write it again, so it may not look unchanged.
          // Connections it already cut stay cut (the safe side).
          if (this.held.get(pubkey) === next) {
            if (held === undefined) this.held.delete(pubkey);
            else this.held.set(pubkey, held);
          }
          return { status: 'rejected', reason };
        }
        this.logger?.warn(`account resolver: ${reason}`);
      }
    }
    return { status: 'stored', claims: a.claims, previous: held?.jwt };
  }

  private emit(update: AccountUpdate): void {
    for (const l of this.listeners) {
      try {
        l(update);
      } catch (e) {
        this.logger?.warn(`account resolver: update listener failed for ${update.pubkey}: ${(e as Error).message}`);
      }
    }
  }

  private serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(key);
    const next = prev === undefined ? fn() : prev.then(fn);
    const tail = next.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return next;
  }
}
