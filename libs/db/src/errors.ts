// Maps Prisma's known request errors, and the driver's errors of `Database.query`, to what an API
// can say about them, without leaking SQL.
import { Prisma } from './generated/client.js';

export type DbErrorKind = 'unique' | 'not_found' | 'foreign_key';

export interface DbError {
  kind: DbErrorKind;
  /** For 'unique': the Prisma field names whose values collided, when known. */
  fields: string[];
}

export function classifyDbError(e: unknown): DbError | null {
  if (isDriverError(e)) return driverError(e);
  if (!(e instanceof Prisma.PrismaClientKnownRequestError)) return null;
  switch (e.code) {
    case 'P2002':
      return { kind: 'unique', fields: uniqueFields(e.meta) };
    case 'P2025':
      return { kind: 'not_found', fields: [] };
    case 'P2003':
      return { kind: 'foreign_key', fields: [] };
    case 'P2010':
      return rawQueryError(e.meta);
    default:
      return null;
  }
}

// A raw query's failure (hot paths written in SQL) carries the driver adapter's classification.
function rawQueryError(meta: Record<string, unknown> | undefined): DbError | null {
  const cause = (meta?.driverAdapterError as { cause?: AdapterCause & { kind?: string } } | undefined)?.cause;
  if (cause?.kind === 'UniqueConstraintViolation') return { kind: 'unique', fields: rawUniqueFields(cause) };
  if (cause?.kind === 'ForeignKeyConstraintViolation') return { kind: 'foreign_key', fields: [] };
  return null;
}

// No model is named: columns are known from every model's fields (snake_case of the field names).
function rawUniqueFields(cause: AdapterCause): string[] {
  const byColumn = new Map<string, string>();
  for (const model of Object.values(Prisma.ModelName)) for (const [c, f] of columnsToFields(model)) byColumn.set(c, f);
  const columns = cause.constraint?.fields;
  if (Array.isArray(columns)) return columns.map((c) => byColumn.get(c.replace(/^"|"$/g, '')) ?? c);
  const index = cause.constraint?.index;
  if (!index || !cause.table || !index.startsWith(`${cause.table}_`) || !index.endsWith('_key')) return [];
  return splitColumns(index.slice(cause.table.length + 1, -'_key'.length), byColumn);
}

// pg's and PGlite's DatabaseError: PostgreSQL's SQLSTATE, severity, and the constraint and table by name.
interface DriverError {
  code: string;
  severity: string;
  constraint?: string;
  table?: string;
}

function isDriverError(e: unknown): e is DriverError {
  return e instanceof Error && typeof (e as Partial<DriverError>).code === 'string' && typeof (e as Partial<DriverError>).severity === 'string';
}

function driverError(e: DriverError): DbError | null {
  if (e.code === '23505') return { kind: 'unique', fields: rawUniqueFields({ table: e.table, constraint: { index: e.constraint } }) };
  if (e.code === '23503') return { kind: 'foreign_key', fields: [] };
  return null;
}

interface AdapterCause {
  table?: string;
  constraint?: { fields?: string[]; index?: string };
}

// Through driver adapters Prisma 7 reports either the columns (constraint.fields) or only the
// index name (adapter-pg: "members_tenant_id_email_key"); turn either into field names.
function uniqueFields(meta: Record<string, unknown> | undefined): string[] {
  if (Array.isArray(meta?.target)) return meta.target.map(String);
  const model = typeof meta?.modelName === 'string' ? meta.modelName : '';
  const cause = (meta?.driverAdapterError as { cause?: AdapterCause } | undefined)?.cause;
  const byColumn = columnsToFields(model);
  const columns = cause?.constraint?.fields;
  if (Array.isArray(columns)) return columns.map((c) => byColumn.get(c.replace(/^"|"$/g, '')) ?? c);
  const index = cause?.constraint?.index;
  if (!index || !cause?.table || !index.startsWith(`${cause.table}_`) || !index.endsWith('_key')) return [];
  return splitColumns(index.slice(cause.table.length + 1, -'_key'.length), byColumn);
}

// Columns are the snake_case of field names throughout prisma/schema.prisma (@map convention).
function columnsToFields(model: string): Map<string, string> {
  const fieldEnum = (Prisma as unknown as Record<string, Record<string, string> | undefined>)[`${model}ScalarFieldEnum`];
  const map = new Map<string, string>();
  for (const field of Object.values(fieldEnum ?? {}))
    map.set(
      field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
      field,
    );
  return map;
}

// Prisma names a unique index <table>_<col>_<col>_key: split greedily on the longest known column.
function splitColumns(joined: string, byColumn: Map<string, string>): string[] {
  const out: string[] = [];
  let rest = joined;
  while (rest) {
    let best = '';
    for (const col of byColumn.keys()) {
      if (col.length > best.length && (rest === col || rest.startsWith(`${col}_`))) best = col;
    }
    if (!best) return [];
    out.push(byColumn.get(best)!);
    rest = rest.slice(best.length + 1);
  }
  return out;
}
