import type { Command } from 'commander';
import type { Account, AccountSummary } from '../api-types.js';
import type { Context } from '../context.js';
import { accountPath, listAll, resolveAccountId } from '../resolve.js';
import { bytesText, jetStreamRows, plainLimitRows } from '../limits-view.js';
import { formatFields, formatTable } from '../table.js';

export function registerAccounts(program: Command, ctx: Context): void {
  const accounts = program.command('accounts').description('NATS accounts of your tenant');

  accounts
    .command('list')
    .description("list accounts (an operator admin sees all, or one tenant's with --tenant)")
    .option('--tenant <id>', "only this tenant's accounts (operator admin)")
    .option('--json', 'print JSON')
    .action(async (opts: { tenant?: string; json?: boolean }) => {
      const client = await ctx.client();
      const path = opts.tenant ? `/v1/accounts?tenant=${encodeURIComponent(opts.tenant)}` : '/v1/accounts';
      const items = await listAll<AccountSummary>(client, path);
      ctx.print(opts.json, items, () =>
        formatTable<AccountSummary>(
          [
            { header: 'ID', value: (a) => a.id },
            { header: 'NAME', value: (a) => a.name },
            { header: 'PUBLIC KEY', value: (a) => a.publicKey },
            { header: 'CREATED', value: (a) => a.createdAt },
          ],
          items,
        ),
      );
    });

  accounts
    .command('create <name>')
    .description('create an account')
    .option('--tenant <id>', 'the tenant to create it in (operator admin)')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { tenant?: string; json?: boolean }) => {
      const client = await ctx.client();
      const a = await client.post<Account>('/v1/accounts', { name, ...(opts.tenant ? { tenantId: opts.tenant } : {}) });
      ctx.print(
        opts.json,
        a,
        () =>
          `created account ${a.name}\n` +
          formatFields([
            ['id', a.id],
            ['public key', a.publicKey],
          ]),
      );
    });

  accounts
    .command('show <account>')
    .description('show an account (by id, name or public key)')
    .option('--json', 'print JSON (includes the account JWT)')
    .action(async (ref: string, opts: { json?: boolean }) => {
      const client = await ctx.client();
      const a = await client.get<Account>(accountPath(await resolveAccountId(client, ref)));
      ctx.print(opts.json, a, () => {
        let s = formatFields([
          ['id', a.id],
          ['name', a.name],
          ['tenant', a.tenantId],
          ['public key', a.publicKey],
          ['created', a.createdAt],
        ]);
        const limits = plainLimitRows(a.limits ?? {});
        if (limits.length > 0) s += '\nlimits\n' + indent(formatFields(limits));
        if (a.limits) s += '\njetstream\n' + indent(formatFields(jetStreamRows(a.limits)));
        const keys = a.signingKeys ?? [];
        s +=
          '\nsigning keys\n' +
          (keys.length > 0
            ? indent(
                formatTable(
                  [
                    { header: 'PUBLIC KEY', value: (k: { publicKey: string }) => k.publicKey },
                    { header: 'CREATED', value: (k: { createdAt?: string }) => k.createdAt },
                  ],
                  keys,
                ),
              )
            : '  -\n');
        return s;
      });
    });

  accounts
    .command('usage [account]')
    .description('what the brokers reported for an account this month (or --from/--to): messages, bytes, connections, JetStream storage, leaf connections')
    .option('--from <instant>', 'start (ISO 8601; default: the start of this month)')
    .option('--to <instant>', 'end (ISO 8601; default: now)')
    .option('--json', 'print JSON (totals and hourly rows)')
    .action(async (ref: string | undefined, opts: { from?: string; to?: string; json?: boolean }) => {
      const client = await ctx.client();
      const q = new URLSearchParams();
      if (opts.from) q.set('from', opts.from);
      if (opts.to) q.set('to', opts.to);
      const path = `${accountPath(await resolveAccountId(client, ref))}/usage${q.size > 0 ? `?${q}` : ''}`;
      const u = await client.get<Usage>(path);
      ctx.print(opts.json, u, () => {
        const t = u.totals;
        return formatFields([
          ['from', u.from],
          ['to', u.to],
          ['messages in', t.msgsIn],
          ['messages out', t.msgsOut],
          ['bytes in', bytesText(t.bytesIn)],
          ['bytes out', bytesText(t.bytesOut)],
          ['peak connections', t.connections],
          ['peak subscriptions', t.subscriptions],
          // Gauges: the highest hour's value, summed over brokers.
          ['peak jetstream storage', bytesText(t.jsStorage ?? 0)],
          ['peak jetstream memory', bytesText(t.jsMemory ?? 0)],
          ['peak streams', t.jsStreams ?? 0],
          ['peak consumers', t.jsConsumers ?? 0],
          // Against the account's `leaf` limit (older control planes do not send it).
          ['peak leaf connections', u.leafNodes ? `${u.leafNodes.peak} / ${u.leafNodes.limit < 0 ? 'unlimited' : u.leafNodes.limit}` : (t.leafNodes ?? 0)],
        ]);
      });
    });
}

interface Usage {
  from: string;
  to: string;
  totals: {
    msgsIn: number;
    msgsOut: number;
    bytesIn: number;
    bytesOut: number;
    connections: number;
    subscriptions: number;
    jsMemory?: number;
    jsStorage?: number;
    jsStreams?: number;
    jsConsumers?: number;
    leafNodes?: number;
  };
  leafNodes?: { peak: number; limit: number };
}

function indent(text: string): string {
  return text.replace(/^(?=.)/gm, '  ');
}
