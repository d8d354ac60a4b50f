import { jwtActivations, limitsFromClaims, setExports, type Account, type ActivationVerifier, type ExportsImports } from '@switchboard/accounts';
import { checkAccount, type AccountClaims, type Import, type Trust } from '@switchboard/nats-jwt';
import type { AccountResolver } from '@switchboard/resolver';
import { updateExportsImports } from './cross-account.js';
import type { Server } from './server.js';
import type { Subscription } from './subscription.js';

type Acc = Account<Subscription>;

interface Loaded {
  jwt: string;
  claims: AccountClaims;
}

/**
 * Exports and imports of JWT accounts (operator mode), as nats-server: an account's exports and imports are
 * applied when it is first loaded (a user's connect) and when its JWT changes. Imports name
 * exporters by public key; those are fetched from the resolver, checked with the operator
 * trust, registered and given their exports before the importer's imports are linked. Imports
 * that do not pass (no exporter, no export, bad activation) are logged and left out.
 */
export class JwtExportsImports {
  /** Claims of every account whose exports/imports were applied (the activation checks read exporters' here). */
  private readonly applied = new Map<string, AccountClaims>();
  /** Resolver fetches in flight, so concurrent loads fetch an exporter once. */
  private readonly fetching = new Map<string, Promise<Loaded | undefined>>();
  private readonly verify: ActivationVerifier<Acc>;

  constructor(
    private readonly server: Server,
    private readonly resolver: AccountResolver,
    private readonly trust: Trust,
    private readonly now: () => number = Date.now,
  ) {
    this.verify = jwtActivations<Acc>((name) => this.applied.get(name), now);
  }

  /**
   * An account a user just authenticated in (its JWT already checked): applies its exports/imports the
   * first time, loading the exporters it imports from. Null when there is nothing to wait for.
   * Never rejects: failures are logged.
   */
  load(pubkey: string, jwt: string): Promise<void> | null {
    if (this.applied.has(pubkey)) return null;
    const root = this.check(pubkey, jwt);
    if (root === undefined) return null;
    return this.link(pubkey, root, false);
  }

  /** An account's JWT changed live: re-applies its exports/imports (and those of accounts importing from it). */
  updated(pubkey: string, jwt: string, claims: AccountClaims): Promise<void> | null {
    if (!this.server.accounts.has(pubkey)) return null;
    return this.link(pubkey, { jwt, claims }, true);
  }

  /**
   * Finds the accounts reachable through imports from `root` that are not applied yet (each
   * fetched once; cycles end at accounts already found), then applies them all at once: every
   * account registered with its exports first, so that imports between them link in any order.
   * With nothing to fetch it applies synchronously (before a claims update is answered).
   */
  private async link(root: string, rootLoaded: Loaded, force: boolean): Promise<void> {
    try {
      const found = new Map<string, Loaded>([[root, rootLoaded]]);
      const tried = new Set<string>([root]);
      let frontier: Loaded[] = [rootLoaded];
      while (frontier.length > 0) {
        const names: string[] = [];
        for (const l of frontier) {
          for (const imp of l.claims.nats.imports ?? []) {
            const name = imp.account ?? '';
            if (name === '' || tried.has(name) || this.applied.has(name)) continue;
            tried.add(name);
            names.push(name);
          }
        }
        if (names.length === 0) break;
        const got = await Promise.all(names.map((n) => this.fetch(n)));
        frontier = [];
        for (let i = 0; i < names.length; i++) {
          const l = got[i];
          if (l === undefined) continue;
          found.set(names[i]!, l);
          frontier.push(l);
        }
      }
      this.apply(found, root, force);
    } catch (err) {
      this.server.log('ERR', `exports/imports of account ${root} not applied: ${(err as Error)?.message ?? String(err)}`);
    }
  }

  private apply(found: Map<string, Loaded>, root: string, force: boolean): void {
    const fresh: Array<[Acc, Loaded]> = [];
    for (const [name, l] of found) {
      // A concurrent load may have applied it meanwhile.
      if (this.applied.has(name) && !(force && name === root)) continue;
      this.applied.set(name, l.claims);
      const acc = this.server.registerAccount(name);
      if (name !== root) {
        // An exporter loaded for an importer: registered as a user's connect would register it.
        acc.setLimits(limitsFromClaims(l.claims.nats));
        if (acc.jwt !== l.jwt) {
          acc.jwt = l.jwt;
          acc.updated = new Date();
        }
      }
      try {
        setExports(acc, l.claims.nats.exports ?? []);
      } catch (err) {
        this.server.log('ERR', `account ${name} exports not applied: ${(err as Error).message}`);
      }
      fresh.push([acc, l]);
    }
    for (const [acc, l] of fresh) {
      const own = l.claims.nats.imports ?? [];
      const claims: ExportsImports = { exports: l.claims.nats.exports ?? [], imports: own };
      try {
        // updateExportsImports also re-checks other accounts' imports from this one: name the right importer.
        updateExportsImports(this.server, acc, claims, this.verify, (imp, err) => this.refused(own.includes(imp) ? acc.name : this.importerOf(imp), imp, err));
      } catch (err) {
        this.server.log('ERR', `account ${acc.name} exports not applied: ${(err as Error).message}`);
      }
    }
  }

  private importerOf(imp: Import): string {
    for (const acc of this.server.accounts.values()) if (acc.declaredImports.includes(imp)) return acc.name;
    return '?';
  }

  private refused(importer: string, imp: Import, err: Error): void {
    this.server.log(
      'WRN',
      `account ${importer} ${imp.type === 'service' ? 'service' : 'stream'} import ${JSON.stringify(imp.subject ?? '')} from ${imp.account ?? ''} skipped: ${err.message}`,
    );
  }

  /** An exporter's JWT from the resolver, checked as a user's connect would check it; undefined (logged) if none passes. */
  private fetch(pubkey: string): Promise<Loaded | undefined> {
    let p = this.fetching.get(pubkey);
    if (p === undefined) {
      p = this.resolver.fetch(pubkey).then(
        (jwt) => {
          if (jwt === undefined) {
            this.server.log('WRN', `account ${pubkey} (an exporter) not found by the resolver`);
            return undefined;
          }
          return this.check(pubkey, jwt);
        },
        (err: unknown) => {
          this.server.log('WRN', `account ${pubkey} (an exporter) could not be fetched: ${(err as Error)?.message ?? String(err)}`);
          return undefined;
        },
      );
      const settled = p.finally(() => this.fetching.delete(pubkey));
      this.fetching.set(pubkey, settled);
      p = settled;
    }
    return p;
  }

  private check(pubkey: string, jwt: string): Loaded | undefined {
    const r = checkAccount(jwt, this.trust, { account: pubkey, now: this.now() });
    if (r.ok) return { jwt, claims: r.claims };
    this.server.log('WRN', `account ${pubkey}: ${r.reason}`);
    return undefined;
  }
}
