// Commands take an object by id, name or public key; lists are read page by page.
import type { ApiClient } from './api-client.js';
import type { AccountSummary, List } from './api-types.js';
import { CliError } from './errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE = 100;

export function isUuid(s: string): boolean {
  return UUID.test(s);
}

/** Every item of a `{ items, total }` list, following limit/offset until `total` is reached. */
export async function listAll<T>(client: ApiClient, path: string): Promise<T[]> {
  const sep = path.includes('?') ? '&' : '?';
  const items: T[] = [];
  for (;;) {
    const page = await client.get<List<T>>(`${path}${sep}limit=${PAGE}&offset=${items.length}`);
    if (!page || !Array.isArray(page.items)) throw new CliError(`the server's answer to GET ${path} is not a list`);
    items.push(...page.items);
    if (page.items.length === 0 || items.length >= (page.total ?? 0)) return items;
  }
}

interface Named {
  id: string;
  name?: string;
  publicKey?: string;
}

/** The one item whose id, public key or name is `ref`; a clear error for none or several. */
export function pick<T extends Named>(items: readonly T[], ref: string, kind: string): T {
  const byKey = items.filter((i) => i.id === ref || i.publicKey === ref);
  if (byKey.length === 1) return byKey[0]!;
  const byName = items.filter((i) => i.name === ref);
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) throw new CliError(`${byName.length} ${kind}s are named ${JSON.stringify(ref)}: use the id (${byName.map((i) => i.id).join(', ')})`);
  throw new CliError(`${kind} ${JSON.stringify(ref)} not found`);
}

/**
 * The account id to act on: `ref` as given when it is an id, else looked up by name or public
 * key; with no `ref`, the caller's only account.
 */
export async function resolveAccountId(client: ApiClient, ref: string | undefined): Promise<string> {
  if (ref !== undefined && isUuid(ref)) return ref;
  const accounts = await listAll<AccountSummary>(client, '/v1/accounts');
  if (ref !== undefined) return pick(accounts, ref, 'account').id;
  if (accounts.length === 1) return accounts[0]!.id;
  if (accounts.length === 0) throw new CliError('you have no accounts: create one with `switchboard accounts create <name>`');
  throw new CliError(`you have ${accounts.length} accounts: choose one with --account <id|name> (${accounts.map((a) => a.name).join(', ')})`);
}

/** The id of an item under an account path (users, exports, imports), by id or name/public key. */
export async function resolveItemId(client: ApiClient, listPath: string, ref: string, kind: string): Promise<string> {
  if (isUuid(ref)) return ref;
  return pick(await listAll<Named>(client, listPath), ref, kind).id;
}

export function accountPath(accountId: string): string {
  return `/v1/accounts/${encodeURIComponent(accountId)}`;
}
