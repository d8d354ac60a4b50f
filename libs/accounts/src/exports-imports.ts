import type { Export, Import } from '@switchboard/nats-jwt';
import { isSubsetMatch, isValidSubject, subjectIsLiteral, subjectsCollide, Sublist, type SubscriptionLike } from '@switchboard/subjects';
import type { Account } from './account.js';
import { authorizes, DEFAULT_RESPONSE_THRESHOLD, findExport, type ExportAuth, type ResponseType, type ServiceExport, type StreamExport } from './export.js';
import { ServiceImport, StreamImport } from './import.js';
import { latencyConfig } from './latency.js';
import { TransformError } from './transform.js';

/** An export as in an account JWT, plus the config file's list of accounts allowed to import it. */
export interface ExportDecl extends Export {
  /** Config files only: importers allowed without a token; [] = a token is required. */
  accounts?: string[];
}

/** An account's exports and imports in nats-jwt's shapes (JWT claims, or a config file mapped to them). */
export interface ExportsImports {
  exports?: ExportDecl[];
  imports?: Import[];
}

/** Called instead of throwing for an import that is refused (JWT accounts skip those, as nats-server). */
export type RefusedImport = (imp: Import, err: ExportImportError) => void;

/** Verifies the activation of an import of a `token_req` export (JWT accounts). */
export type ActivationVerifier<A> = (imp: Import, exporter: A, importer: A) => boolean;

/** A declaration nats-server would refuse; the message is nats-server's. */
export class ExportImportError extends Error {}

/** nats-server gives up looking for import cycles this deep. */
const MAX_CYCLE_DEPTH = 1024;

type Acc = Account<SubscriptionLike>;

/** Replaces the account's exports (nats-server's add{Stream,Service}ExportWith…AccountPos). */
export function setExports<A extends Acc>(account: A, exports: readonly ExportDecl[] = []): void {
  const streams = new Map<string, StreamExport>();
  const services = new Map<string, ServiceExport>();
  for (const e of exports) {
    const kind = e.type === 'service' ? 'service' : 'stream';
    const subject = e.subject ?? '';
    const fail = (why: string) => new ExportImportError(`Error adding ${kind} export ${JSON.stringify(subject)}: ${why}`);
    if (!isValidSubject(subject)) throw fail('invalid subject');
    const pos = e.account_token_position ?? 0;
    if (pos > 0 && subject.split('.')[pos - 1] !== '*') throw fail('invalid subject');
    const auth: ExportAuth = {
      tokenReq: e.token_req === true || (e.accounts !== undefined && e.accounts.length === 0),
      approved: e.accounts && e.accounts.length > 0 ? new Set(e.accounts) : null,
      accountTokenPosition: pos,
    };
    if (kind === 'stream') {
      streams.set(subject, { subject, auth });
    } else {
      const threshold = e.response_threshold ? e.response_threshold / 1e6 : DEFAULT_RESPONSE_THRESHOLD;
      const exp: ServiceExport = { subject, auth, responseType: responseType(e.response_type), responseThreshold: threshold };
      if (e.service_latency) {
        try {
          services.set(subject, { ...exp, latency: latencyConfig(subject, e.service_latency) });
        } catch (err) {
          throw new ExportImportError((err as Error).message);
        }
      } else {
        services.set(subject, exp);
      }
    }
  }
  replace(account.streamExports, streams);
  replace(account.serviceExports, services);
}

/**
 * Replaces the account's imports. `resolve` finds exporting accounts by the name (or public
 * key) in `Import.account`. Semantics are nats-server's for JWT imports: a stream's `to` is a
 * prefix and `local_subject` a mapping; a service's `local_subject` is the subject importers
 * publish on (else `subject`, with `to` the exporter's subject). Throws a ExportImportError on the
 * first import nats-server would refuse, and nothing is changed then; with `refused`, such
 * imports are reported there and left out instead (nats-server's way with account JWTs).
 */
export function setImports<A extends Acc>(
  account: A,
  imports: readonly Import[],
  resolve: (name: string) => A | undefined,
  verify?: ActivationVerifier<A>,
  refused?: RefusedImport,
): void {
  const streams: StreamImport<A>[] = [];
  const services = new Map<string, ServiceImport<A>>();
  for (const imp of imports) {
    try {
      addImport(account, imp, resolve, verify, streams, services);
    } catch (e) {
      if (!(e instanceof ExportImportError) || refused === undefined) throw e;
      refused(imp, e);
    }
  }
  account.declaredImports = imports;
  account.streamImports = streams as unknown as Acc['streamImports'];
  if (services.size === 0) {
    account.serviceImports = null;
  } else {
    const sl = new Sublist<ServiceImport<A>>();
    for (const si of services.values()) sl.insert(si);
    account.serviceImports = sl as unknown as Acc['serviceImports'];
  }
}

function addImport<A extends Acc>(
  account: A,
  imp: Import,
  resolve: (name: string) => A | undefined,
  verify: ActivationVerifier<A> | undefined,
  streams: StreamImport<A>[],
  services: Map<string, ServiceImport<A>>,
): void {
  {
    const kind = imp.type === 'service' ? 'service' : 'stream';
    const exporter = resolve(imp.account ?? '');
    if (!exporter) throw new ExportImportError(`${JSON.stringify(imp.account ?? '')} account not defined for ${kind} import`);
    const subject = imp.subject ?? '';
    const fail = (why: string) => new ExportImportError(`Error adding ${kind} import ${JSON.stringify(subject)}: ${why}`);
    const activation = verify ? () => verify(imp, exporter, account) : undefined;
    if (kind === 'stream') {
      let to = imp.local_subject || '';
      if (!to) {
        const prefix = imp.to ?? '';
        if (prefix !== '' && !subjectIsLiteral(prefix)) throw fail('stream import prefix can not contain wildcard tokens');
        to = prefix === '' ? subject : `${prefix.endsWith('.') ? prefix : `${prefix}.`}${subject}`;
      }
      if (!isValidSubject(subject) || !isValidSubject(to)) throw fail('stream import not authorized');
      const found = findExport(exporter.streamExports, subject);
      if (!found || !authorizes(found.exp.auth, account.name, subject, found.exact, activation)) throw fail('stream import not authorized');
      if (streamCycle(account, exporter, to, streams)) throw fail('import forms a cycle');
      if (streams.some((s) => s.exporter === exporter && s.from === subject)) throw fail('stream import already exists');
      streams.push(
        build(
          () => new StreamImport(exporter, subject, to),
          (e) => fail(`failed to create mapping transform for stream import subject ${JSON.stringify(subject)} to ${JSON.stringify(to)}: ${e}`),
        ),
      );
    } else {
      let from = subject;
      let to = imp.to || subject;
      if (imp.local_subject) {
        from = imp.local_subject;
        to = subject;
      }
      if (!isValidSubject(from) || !isValidSubject(to)) throw fail('invalid subject');
      const found = findExport(exporter.serviceExports, to);
      if (!found || !authorizes(found.exp.auth, account.name, to, found.exact, activation)) throw fail('service import not authorized');
      if (serviceCycle(account, exporter, from, services)) throw fail('import forms a cycle');
      const dup = services.get(from);
      if (dup)
        throw fail(
          `duplicate service import subject ${JSON.stringify(from)}, previously used in import for account ${JSON.stringify(dup.exporter.name)}, subject ${JSON.stringify(dup.to)}`,
        );
      services.set(
        from,
        build(
          () => new ServiceImport(account, exporter, from, to, found.exp, imp.share === true),
          (e) => fail(`failed to create mapping transform for service import subject ${JSON.stringify(from)} to ${JSON.stringify(to)}: ${e}`),
        ),
      );
    }
  }
}

/**
 * Sets one account's exports and imports from its claims (a JWT account's update, or a config
 * account). Exports go first: an account may import from itself only through them.
 */
export function applyAccountClaims<A extends Acc>(
  account: A,
  claims: ExportsImports,
  resolve: (name: string) => A | undefined,
  verify?: ActivationVerifier<A>,
  refused?: RefusedImport,
): void {
  setExports(account, claims.exports);
  setImports(account, claims.imports ?? [], resolve, verify, refused);
}

/** All service imports of an account (for cycle checks). */
function serviceImportsOf<A extends Acc>(acc: A, pending: Map<string, ServiceImport<A>> | null): Iterable<ServiceImport<A>> {
  if (pending !== null) return pending.values();
  return (acc.serviceImports?.all() ?? []) as unknown as ServiceImport<A>[];
}

/** nats-server's streamImportFormsCycle / checkStreamImportsForCycles. */
function streamCycle<A extends Acc>(importer: A, exporter: A, to: string, pending: readonly StreamImport<A>[]): boolean {
  const visited = new Set<string>([importer.name]);
  const walk = (acc: A, subj: string): boolean => {
    if (visited.size >= MAX_CYCLE_DEPTH) return true;
    if (![...acc.streamExports.keys()].some((e) => isSubsetMatch(subj, e))) return false;
    const list = (acc === importer ? pending : acc.streamImports) as readonly StreamImport<A>[];
    for (const si of list) {
      if (!subjectsCollide(subj, si.to)) continue;
      if (visited.has(si.exporter.name)) return true;
      visited.add(acc.name);
      if (isSubsetMatch(si.to, subj)) subj = si.to;
      if (walk(si.exporter, subj)) return true;
    }
    return false;
  };
  return walk(exporter, to);
}

/** nats-server's serviceImportFormsCycle / checkServiceImportsForCycles. */
function serviceCycle<A extends Acc>(importer: A, exporter: A, from: string, pending: Map<string, ServiceImport<A>>): boolean {
  const visited = new Set<string>([importer.name]);
  const walk = (acc: A, subj: string): boolean => {
    if (visited.size >= MAX_CYCLE_DEPTH) return true;
    for (const si of serviceImportsOf(acc, acc === importer ? pending : null)) {
      if (!subjectsCollide(subj, si.to)) continue;
      if (visited.has(si.exporter.name)) return true;
      visited.add(acc.name);
      if (isSubsetMatch(si.from, subj)) subj = si.from;
      if (walk(si.exporter, subj)) return true;
    }
    return false;
  };
  return walk(exporter, from);
}

function responseType(t: string | undefined): ResponseType {
  return t === 'Stream' || t === 'Chunked' ? t : 'Singleton';
}

function build<T>(make: () => T, fail: (reason: string) => Error): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof TransformError) throw fail(e.message);
    throw e;
  }
}

function replace<K, V>(target: Map<K, V>, source: Map<K, V>): void {
  target.clear();
  for (const [k, v] of source) target.set(k, v);
}
