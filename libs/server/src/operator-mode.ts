import { trustOperators } from '@switchboard/nats-jwt';
import { createResolver, type AccountResolver } from '@switchboard/resolver';
import { JwtAuthenticator } from './jwt-auth.js';
import { JwtExportsImports } from './jwt-exports-imports.js';
import type { ServerLog } from './log.js';
import type { ServerOptions } from './options.js';
import type { Server } from './server.js';
import { SystemAccount } from './system-account.js';

/** The parts of a broker in operator mode: built before the Server, attached to it after. */
export interface OperatorMode {
  readonly authenticator: JwtAuthenticator;
  readonly resolver: AccountResolver;
  /** The system account's public key ('' = none configured). */
  readonly systemAccount: string;
  /** Starts the system account's subscriptions and events on `server`. */
  attach(server: Server): void;
  close(): Promise<void>;
}

/** Trust, resolver (started) and authenticator for options with `operators`; null when not in operator mode. */
export async function startOperatorMode(opts: ServerOptions, logger: ServerLog): Promise<OperatorMode | null> {
  if (opts.operators.length === 0) return null;
  if (opts.resolver === undefined) throw new Error('operators require an account resolver to be configured');
  const trust = trustOperators(opts.operators);
  const resolver = createResolver(opts.resolver, { trust, logger: { warn: (m) => logger.log('WRN', m) } });
  await resolver.start?.();
  const systemAccount = opts.systemAccount || trust.operators.find((o) => o.nats.system_account)?.nats.system_account || '';
  let sys: SystemAccount | null = null;
  const authenticator = new JwtAuthenticator(trust, resolver, logger);
  return {
    authenticator,
    resolver,
    systemAccount,
    attach(server) {
      const exportsImports = new JwtExportsImports(server, resolver, trust);
      authenticator.exportsImports = exportsImports;
      if (systemAccount) sys = new SystemAccount(server, systemAccount, resolver, exportsImports);
    },
    async close() {
      sys?.stop();
      await resolver.close();
    },
  };
}
