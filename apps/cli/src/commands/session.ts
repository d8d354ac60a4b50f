// login, logout and signup: the commands that change the stored config.
import type { Command } from 'commander';
import { ApiClient } from '../api-client.js';
import type { Operator, Signup } from '../api-types.js';
import { readConfig, writeConfig } from '../config-store.js';
import type { Context } from '../context.js';
import { usageError } from '../errors.js';
import { formatFields } from '../table.js';

export function registerSession(program: Command, ctx: Context): void {
  program
    .command('login')
    .description('check an API token against the control plane and store it (with --api) in the config file')
    .addHelpText(
      'after',
      '\nExample:\n  switchboard login --api https://switchboard.example.com --token "$TOKEN"\n  printenv TOKEN | switchboard login --api https://switchboard.example.com --token -\n  switchboard login --api http://127.0.0.1:8080 --token-file .data/admin-token',
    )
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const conn = await ctx.connection();
      if (!conn) throw usageError('login needs --api <url>');
      if (!conn.token) throw usageError('login needs --token-file <file>, --token - (standard input) or --token <token>');
      const operator = await new ApiClient(conn.api, { token: conn.token, fetch: ctx.io.fetch }).get<Operator>('/v1/operator');
      const path = ctx.configPath();
      await writeConfig(path, { api: conn.api, token: conn.token });
      ctx.print(
        opts.json,
        { api: conn.api, operator: operator.name, config: path },
        () => `logged in to ${conn.api} (operator ${operator.name}); token stored in ${path}\n`,
      );
    });

  program
    .command('logout')
    .description('forget the stored API token (the URL is kept)')
    .action(async () => {
      const path = ctx.configPath();
      const stored = await readConfig(path);
      await writeConfig(path, { ...(stored.api ? { api: stored.api } : {}) });
      ctx.io.out(stored.token ? `logged out; token removed from ${path}\n` : 'not logged in\n');
    });

  program
    .command('signup')
    .description('create a tenant with its first account; its admin token is stored as the login')
    .requiredOption('--email <email>', "the tenant admin's email")
    .requiredOption('--org <name>', 'the organization (tenant) name')
    .option('--plan <plan>', "plan name (the server's default when left out)")
    .option('--no-save', 'print the token but do not store it')
    .option('--json', 'print JSON (includes the token)')
    .action(async (opts: { email: string; org: string; plan?: string; save: boolean; json?: boolean }) => {
      const client = await ctx.client({ auth: false });
      const res = await client.post<Signup>('/v1/signup', { email: opts.email, organization: opts.org, ...(opts.plan ? { plan: opts.plan } : {}) });
      const path = ctx.configPath();
      if (opts.save) await writeConfig(path, { api: client.baseUrl, token: res.token });
      ctx.print(
        opts.json,
        res,
        () =>
          formatFields([
            ['tenant', `${res.tenant.name} (${res.tenant.id})`],
            ['plan', res.tenant.plan],
            ['account', `${res.account.name} (${res.account.id})`],
            ['account key', res.account.publicKey],
            // A stored token stays off the screen (scrollback, screen sharing); --json prints it.
            ['api token', opts.save ? `stored in ${path}` : res.token],
          ]) + (opts.save ? '\nlogged in as the tenant admin\n' : '\nthe server does not show this token again: keep it safe\n'),
      );
    });
}
