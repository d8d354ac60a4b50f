import { Option, type Command } from 'commander';
import type { ImportItem } from '../api-types.js';
import type { Context } from '../context.js';
import { nameFromSubject } from '../names.js';
import { accountPath, listAll, resolveAccountId, resolveItemId } from '../resolve.js';
import { formatFields, formatTable } from '../table.js';

interface AddOptions {
  account?: string;
  from: string;
  subject: string;
  localSubject?: string;
  type: 'stream' | 'service';
  name?: string;
  activation?: string;
  json?: boolean;
}

export function registerImports(program: Command, ctx: Context): void {
  const imports = program.command('imports').description('streams and services an account takes from other accounts');
  const accountOption = () => new Option('--account <account>', 'the importing account: id, name or public key (default: your only account)');

  imports
    .command('add')
    .description('import a stream or service another account exports')
    .addOption(accountOption())
    .requiredOption('--from <public-key>', "the exporting account's public key (A…)")
    .requiredOption('--subject <subject>', 'the subject as exported')
    .addOption(new Option('--type <type>', 'what is imported').choices(['stream', 'service']).makeOptionMandatory())
    .option('--local-subject <subject>', 'the subject it appears under in this account')
    .option('--name <name>', 'a name for the import (default: from the subject, orders.> -> orders.all)')
    .option('--activation <token>', "activation token (from the exporter's `exports activate`), when the export requires one")
    .option('--json', 'print JSON')
    .action(async (opts: AddOptions) => {
      const client = await ctx.client();
      const i = await client.post<ImportItem>(`${accountPath(await resolveAccountId(client, opts.account))}/imports`, {
        name: opts.name ?? nameFromSubject(opts.subject),
        account: opts.from,
        subject: opts.subject,
        type: opts.type,
        ...(opts.localSubject ? { localSubject: opts.localSubject } : {}),
        ...(opts.activation ? { token: opts.activation } : {}),
      });
      ctx.print(
        opts.json,
        i,
        () =>
          `imported ${i.type} ${i.subject} from ${i.account}\n` +
          formatFields([
            ['id', i.id],
            ['name', i.name],
            ['local subject', i.localSubject ?? i.subject],
          ]),
      );
    });

  imports
    .command('list')
    .description("list an account's imports")
    .addOption(accountOption())
    .option('--json', 'print JSON')
    .action(async (opts: { account?: string; json?: boolean }) => {
      const client = await ctx.client();
      const items = await listAll<ImportItem>(client, `${accountPath(await resolveAccountId(client, opts.account))}/imports`);
      ctx.print(opts.json, items, () =>
        formatTable<ImportItem>(
          [
            { header: 'ID', value: (i) => i.id },
            { header: 'NAME', value: (i) => i.name },
            { header: 'TYPE', value: (i) => i.type },
            { header: 'SUBJECT', value: (i) => i.subject },
            { header: 'LOCAL SUBJECT', value: (i) => i.localSubject },
            { header: 'FROM', value: (i) => i.account },
          ],
          items,
        ),
      );
    });

  imports
    .command('rm <import>')
    .description('remove an import (by id or name)')
    .addOption(accountOption())
    .action(async (ref: string, opts: { account?: string }) => {
      const client = await ctx.client();
      const base = `${accountPath(await resolveAccountId(client, opts.account))}/imports`;
      const id = await resolveItemId(client, base, ref, 'import');
      await client.delete(`${base}/${encodeURIComponent(id)}`);
      ctx.io.out(`removed import ${id}\n`);
    });
}
