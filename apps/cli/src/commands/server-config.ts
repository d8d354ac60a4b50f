// A nats-server configuration that trusts this control plane's operator and resolves account
// JWTs, the system account's included, from it (nats-server's URL resolver). No resolver_preload:
// nats-server refuses to start with preloads on a read-only (URL) resolver, although `-t` passes.
import type { Command } from 'commander';
import { stringifyConfig } from '@switchboard/config';
import { decode, JwtError } from '@switchboard/nats-jwt';
import type { Operator } from '../api-types.js';
import type { Context } from '../context.js';
import { CliError, usageError } from '../errors.js';

export function registerServerConfig(program: Command, ctx: Context): void {
  program
    .command('server-config')
    .description('print a nats-server config that trusts this operator and uses the control plane as its account resolver')
    .option('--resolver-url <url>', "the control plane's account resolver URL (default: the operator's account server URL)")
    .addHelpText(
      'after',
      '\nA URL with no path gets /jwt/v1/accounts/ appended; one ending in /jwt/v1 gets /accounts/.\n\nExample:\n  switchboard server-config --resolver-url https://switchboard.example.com > nats.conf\n  nats-server -c nats.conf',
    )
    .action(async (opts: { resolverUrl?: string }) => {
      const client = await ctx.client();
      const op = await client.get<Operator>('/v1/operator');
      const raw = opts.resolverUrl ?? op.accountServerUrl;
      if (!raw) throw usageError('the operator has no account server URL: pass --resolver-url <url>');
      const url = resolverUrl(raw);
      checkJwt(op.jwt, 'operator', op.publicKey);
      checkJwt(op.systemAccount.jwt, 'account', op.systemAccount.publicKey);
      const header =
        `# nats-server configuration for Switchboard operator ${op.name} (${op.publicKey}),\n` +
        '# written by `switchboard server-config`. Add listen/port, TLS and cluster settings as needed.\n';
      ctx.io.out(
        header +
          stringifyConfig({
            operator: op.jwt,
            system_account: op.systemAccount.publicKey,
            resolver: `URL(${url})`,
          }),
      );
    });
}

/** The URL nats-server appends account public keys to (always ending in '/'). */
export function resolverUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(`--resolver-url must be a URL, not ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError('--resolver-url must be an http:// or https:// URL');
  const path = url.pathname.replace(/\/+$/, '');
  if (path === '') url.pathname = '/jwt/v1/accounts/';
  else if (path.endsWith('/jwt/v1')) url.pathname = `${path}/accounts/`;
  else url.pathname = `${path}/`;
  return url.href;
}

function checkJwt(token: string, type: 'operator' | 'account', subject: string): void {
  let d;
  try {
    d = decode(token);
  } catch (e) {
    throw new CliError(`the server's ${type} JWT is not valid: ${e instanceof JwtError ? e.message : 'malformed'}`);
  }
  if (d.type !== type || d.claims.sub !== subject) throw new CliError(`the server's ${type} JWT is not the ${type} ${subject}`);
}
