import type { Command } from 'commander';
import type { Plan } from '../api-types.js';
import type { Context } from '../context.js';
import { jetStreamRows, jetStreamSummary, plainLimitRows } from '../limits-view.js';
import { isUuid, listAll, pick } from '../resolve.js';
import { formatFields, formatTable } from '../table.js';

export function registerPlans(program: Command, ctx: Context): void {
  const plans = program.command('plans').description('plans: the limits (JetStream included) every account of a tenant on them gets');

  plans
    .command('list')
    .description('list plans')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const client = await ctx.client();
      const items = await listAll<Plan>(client, '/v1/plans');
      ctx.print(opts.json, items, () =>
        formatTable<Plan>(
          [
            { header: 'NAME', value: (p) => p.name },
            { header: 'ACCOUNTS', value: (p) => p.maxAccounts },
            { header: 'CONNECTIONS', value: (p) => p.limits?.maxConnections },
            { header: 'JETSTREAM', value: (p) => jetStreamSummary(p.limits ?? {}) },
            { header: 'ID', value: (p) => p.id },
          ],
          items,
        ),
      );
    });

  plans
    .command('show <plan>')
    .description('show a plan (by id or name) with its JetStream limits')
    .option('--json', 'print JSON')
    .action(async (ref: string, opts: { json?: boolean }) => {
      const client = await ctx.client();
      const p = isUuid(ref) ? await client.get<Plan>(`/v1/plans/${ref}`) : pick(await listAll<Plan>(client, '/v1/plans'), ref, 'plan');
      ctx.print(opts.json, p, () => {
        const l = p.limits ?? {};
        return (
          formatFields([
            ['id', p.id],
            ['name', p.name],
            ['accounts', p.maxAccounts],
          ]) +
          'limits\n' +
          indent(formatFields(plainLimitRows(l))) +
          'jetstream\n' +
          indent(formatFields(jetStreamRows(l)))
        );
      });
    });
}

function indent(text: string): string {
  return text.replace(/^(?=.)/gm, '  ');
}
