import type { Logger } from '@switchboard/config';
import type { AccountClaims } from '@switchboard/nats-jwt';

// What the broker asks of an account resolver in operator mode (nats-server's AccountResolver,
// reduced to what a broker uses). Every resolver holds at most one JWT per account and replaces it
// by the rule in newest-wins.ts; whatever it returns passed the signature/trust/content checks
// (not the time checks: an expired JWT is an authoritative answer, the broker's checkAccount
// refuses it at use).

/** nats-server's resolver types: `MEMORY`, `URL(...)`, and the map form's `full` / `cache`. */
export type ResolverKind = 'MEMORY' | 'URL' | 'FULL' | 'CACHE';

/** Outcome of `store`, enough for the broker to answer a `$SYS.REQ.ACCOUNT.<key>.CLAIMS.UPDATE`. */
export type StoreResult =
  /** Held now (new account or replaced an older/equal-`iat` JWT); `onUpdate` listeners were told. */
  | { status: 'stored'; claims: AccountClaims; previous: string | undefined }
  /** The same JWT (same `jti`) was already held. */
  | { status: 'unchanged' }
  /** A JWT with a later `iat` is held; the offered one was dropped (nats-server drops it silently). */
  | { status: 'stale'; reason: string }
  /** Not an acceptable account JWT for this key (malformed, bad signature, untrusted, wrong subject, invalid claims) or the disk write failed. */
  | { status: 'rejected'; reason: string };

/** A held JWT changed to another one (not the first load of an account). */
export interface AccountUpdate {
  pubkey: string;
  jwt: string;
  claims: AccountClaims;
  previous: string;
}

export type UpdateListener = (update: AccountUpdate) => void;

/** Where resolvers report what they recovered from (fallbacks, bad answers). Defaults to silence. */
export type ResolverLogger = Pick<Logger, 'warn'>;

export interface AccountResolver {
  readonly kind: ResolverKind;
  /**
   * The account's JWT, or undefined when the resolver knows no such account.
   * Rejects with ResolverError only when the source failed and nothing is held to fall back on.
   */
  fetch(pubkey: string): Promise<string | undefined>;
  /** Offers a JWT (claims update push, preload); never rejects. */
  store(pubkey: string, jwt: string): Promise<StoreResult>;
  /** Calls `listener` after each change of a held JWT (store, or a refetch that found a newer one). Returns an unsubscribe function. */
  onUpdate(listener: UpdateListener): () => void;
  /** Loads state (e.g. a directory); call once before use where present. */
  start?(): Promise<void>;
  /** Stops network activity; later fetches reject with code 'closed'. */
  close(): Promise<void>;
}
