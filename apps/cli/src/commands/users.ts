import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { User } from '../api-types.js';
import type { Context } from '../context.js';
import { checkWritable, newUserKey, writeCredsFile } from '../creds-file.js';
import { CliError } from '../errors.js';
import { accountPath, listAll, resolveAccountId, resolveItemId } from '../resolve.js';
import { formatFields, formatTable } from '../table.js';

interface CreateOptions {
  account?: string;
  pub?: string[];
  sub?: string[];
  denyPub?: string[];
  denySub?: string[];
  expires?: string;
  out: string;
  force?: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function registerUsers(program: Command, ctx: Context): void {
  const users = program.command('users').description('NATS users of an account and their .creds files');

  users
    .command('create <name>')
    .description('make a user nkey here, have the control plane sign a user JWT for its public key, and write a .creds file')
    .option('--account <account>', 'account id, name or public key (default: your only account)')
    .option('--pub <subject>', 'allow publishing to subject (repeatable)', collect)
    .option('--sub <subject>', 'allow subscribing to subject (repeatable)', collect)
    .option('--deny-pub <subject>', 'deny publishing to subject (repeatable)', collect)
    .option('--deny-sub <subject>', 'deny subscribing to subject (repeatable)', collect)
    .option('--expires <duration>', 'lifetime of the user JWT, e.g. 24h or 30d (default: no expiry)')
    .requiredOption('--out <file>', 'where to write the .creds file (mode 0600)')
    .option('--force', 'overwrite --out if it exists')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nThe user seed never leaves this machine: only its public key is sent.\n\nExample:\n  switchboard users create orders-svc --pub "orders.>" --sub "_INBOX.>" --expires 720h --out orders-svc.creds',
    )
    .action(async (name: string, opts: CreateOptions) => {
      const out = resolve(ctx.io.cwd, opts.out);
      await checkWritable(out, opts.force === true);
      const client = await ctx.client();
      const accountId = await resolveAccountId(client, opts.account);
      const key = newUserKey();
      try {
        const publicKey = key.getPublicKey();
        const user = await client.post<User>(`${accountPath(accountId)}/users`, {
          name,
          publicKey,
          ...permissions(opts),
          ...(opts.expires ? { expiresIn: opts.expires } : {}),
        });
        if (user.publicKey !== publicKey || typeof user.jwt !== 'string') {
          throw new CliError('the server answered with a user for another key: no .creds written');
        }
        try {
          await writeCredsFile(out, user.jwt, key, opts.force === true);
        } catch (e) {
          const why = e instanceof Error ? e.message : String(e);
          throw new CliError(
            `${why}\nuser ${user.id} was created but its seed is lost: revoke it with \`switchboard users revoke ${user.id} --account ${accountId}\``,
          );
        }
        const shown = { id: user.id, name: user.name, publicKey: user.publicKey, accountId, expiresAt: user.expiresAt ?? null, creds: out };
        ctx.print(
          opts.json,
          shown,
          () =>
            `created user ${user.name}\n` +
            formatFields([
              ['id', user.id],
              ['public key', user.publicKey],
              ['expires', user.expiresAt ?? 'never'],
              ['creds', `${out} (mode 0600)`],
            ]),
        );
      } finally {
        key.clear();
      }
    });

  users
    .command('list')
    .description('list the users of an account')
    .option('--account <account>', 'account id, name or public key (default: your only account)')
    .option('--json', 'print JSON')
    .action(async (opts: { account?: string; json?: boolean }) => {
      const client = await ctx.client();
      const items = await listAll<User>(client, `${accountPath(await resolveAccountId(client, opts.account))}/users`);
      ctx.print(opts.json, items, () =>
        formatTable<User>(
          [
            { header: 'ID', value: (u) => u.id },
            { header: 'NAME', value: (u) => u.name },
            { header: 'PUBLIC KEY', value: (u) => u.publicKey },
            { header: 'EXPIRES', value: (u) => u.expiresAt ?? 'never' },
            { header: 'REVOKED', value: (u) => u.revokedAt },
          ],
          items,
        ),
      );
    });

  users
    .command('revoke <user>')
    .description("revoke a user (by id, name or public key): its key goes into the account JWT's revocations")
    .option('--account <account>', 'account id, name or public key (default: your only account)')
    .option('--json', 'print JSON')
    .action(async (ref: string, opts: { account?: string; json?: boolean }) => {
      const client = await ctx.client();
      const base = `${accountPath(await resolveAccountId(client, opts.account))}/users`;
      const userId = await resolveItemId(client, base, ref, 'user');
      const res = await client.post<{ revokedAt: string }>(`${base}/${encodeURIComponent(userId)}/revoke`);
      ctx.print(opts.json, { id: userId, revokedAt: res?.revokedAt ?? null }, () => `revoked user ${userId} at ${res?.revokedAt ?? 'now'}\n`);
    });
}

function permissions(opts: CreateOptions): { permissions?: Record<string, { allow?: string[]; deny?: string[] }> } {
  const rule = (allow: string[] = [], deny: string[] = []) =>
    allow.length + deny.length === 0 ? undefined : { ...(allow.length ? { allow } : {}), ...(deny.length ? { deny } : {}) };
  const pub = rule(opts.pub, opts.denyPub);
  const sub = rule(opts.sub, opts.denySub);
  if (!pub && !sub) return {};
  return { permissions: { ...(pub ? { pub } : {}), ...(sub ? { sub } : {}) } };
}
