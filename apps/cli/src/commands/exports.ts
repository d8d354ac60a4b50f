import { Option, type Command } from 'commander';
import type { ExportItem } from '../api-types.js';
import type { Context } from '../context.js';
import { usageError } from '../errors.js';
import { nameFromSubject } from '../names.js';
import { accountPath, listAll, resolveAccountId, resolveItemId } from '../resolve.js';
import { formatFields, formatTable } from '../table.js';

interface AddOptions {
  account?: string;
  name?: string;
  subject: string;
  type: 'stream' | 'service';
  tokenRequired?: boolean;
  responseType?: string;
  accountTokenPosition?: string;
  json?: boolean;
}

export function registerExports(program: Command, ctx: Context): void {
  const exports = program.command('exports').description('streams and services an account offers to other accounts');
  const accountOption = () => new Option('--account <account>', 'account id, name or public key (default: your only account)');

  exports
    .command('add')
    .description('export a stream or service')
    .addOption(accountOption())
    .requiredOption('--subject <subject>', 'the exported subject (wildcards allowed)')
    .addOption(new Option('--type <type>', 'what is exported').choices(['stream', 'service']).makeOptionMandatory())
    .option('--name <name>', 'a name for the export (default: from the subject, orders.> -> orders.all)')
    .option('--token-required', 'importers need an activation token')
    .addOption(new Option('--response-type <type>', 'service responses').choices(['Singleton', 'Stream', 'Chunked']))
    .option('--account-token-position <n>', "subject token that must hold the importer's account public key")
    .option('--json', 'print JSON')
    .action(async (opts: AddOptions) => {
      let position: number | undefined;
      if (opts.accountTokenPosition !== undefined) {
        position = Number(opts.accountTokenPosition);
        if (!Number.isInteger(position) || position < 1) throw usageError('--account-token-position must be a positive integer');
      }
      const client = await ctx.client();
      const e = await client.post<ExportItem>(`${accountPath(await resolveAccountId(client, opts.account))}/exports`, {
        name: opts.name ?? nameFromSubject(opts.subject),
        subject: opts.subject,
        type: opts.type,
        ...(opts.tokenRequired ? { tokenRequired: true } : {}),
        ...(opts.responseType ? { responseType: opts.responseType } : {}),
        ...(position !== undefined ? { accountTokenPosition: position } : {}),
      });
      ctx.print(
        opts.json,
        e,
        () =>
          `exported ${e.type} ${e.subject}\n` +
          formatFields([
            ['id', e.id],
            ['name', e.name],
          ]),
      );
    });

  exports
    .command('list')
    .description("list an account's exports")
    .addOption(accountOption())
    .option('--json', 'print JSON')
    .action(async (opts: { account?: string; json?: boolean }) => {
      const client = await ctx.client();
      const items = await listAll<ExportItem>(client, `${accountPath(await resolveAccountId(client, opts.account))}/exports`);
      ctx.print(opts.json, items, () =>
        formatTable<ExportItem>(
          [
            { header: 'ID', value: (e) => e.id },
            { header: 'NAME', value: (e) => e.name },
            { header: 'TYPE', value: (e) => e.type },
            { header: 'SUBJECT', value: (e) => e.subject },
            { header: 'TOKEN REQUIRED', value: (e) => (e.tokenRequired ? 'yes' : 'no') },
          ],
          items,
        ),
      );
    });

  exports
    .command('activate <export>')
    .description('issue an activation token that lets another account import a token-required export')
    .addOption(accountOption())
    .requiredOption('--importer <public-key>', "the importing account's public key (A…)")
    .option('--expires <duration>', 'lifetime of the token, e.g. 720h (default: no expiry)')
    .option('--json', 'print JSON')
    .addHelpText('after', "\nThe token alone goes to standard output, for the importer's `imports add --activation`.")
    .action(async (ref: string, opts: { account?: string; importer: string; expires?: string; json?: boolean }) => {
      const client = await ctx.client();
      const base = `${accountPath(await resolveAccountId(client, opts.account))}/exports`;
      const id = await resolveItemId(client, base, ref, 'export');
      const res = await client.post<{ token: string }>(`${base}/${encodeURIComponent(id)}/activations`, {
        importer: opts.importer,
        ...(opts.expires ? { expiresIn: opts.expires } : {}),
      });
      ctx.print(opts.json, res, () => `${res.token}\n`);
    });

  exports
    .command('rm <export>')
    .description('remove an export (by id or name)')
    .addOption(accountOption())
    .action(async (ref: string, opts: { account?: string }) => {
      const client = await ctx.client();
      const base = `${accountPath(await resolveAccountId(client, opts.account))}/exports`;
      const id = await resolveItemId(client, base, ref, 'export');
      await client.delete(`${base}/${encodeURIComponent(id)}`);
      ctx.io.out(`removed export ${id}\n`);
    });
}
