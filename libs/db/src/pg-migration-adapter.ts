// adapter-pg, adjusted so the wasm schema engine can migrate a real PostgreSQL through it.
// Each fix is local to the adapter instances made here; nothing in `pg` is patched globally.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
} from '@prisma/driver-adapter-utils';
import { pgConfigFromUrl } from './pg-config.js';

// Catalog types the engine's introspection reads but adapter-pg cannot map (prisma/orm#27403): read them as text.
const TEXT = 25;
const CATALOG_AS_TEXT: Record<number, number> = {
  18: TEXT,
  19: TEXT,
  22: TEXT,
  24: TEXT,
  28: TEXT,
  30: TEXT,
  194: TEXT,
  2205: TEXT,
  2206: TEXT,
  1003: 1009, // name[] -> text[]
};
const CHAR_OID = 18; // "char" (pg_constraint.contype): the engine needs it as Character, not Text

interface PgInternals {
  performIO(q: SqlQuery): Promise<pg.QueryResult>;
  queryRaw(q: SqlQuery): Promise<SqlResultSet>;
  onError(e: unknown): never;
  underlyingDriver(): pg.Pool;
  dispose(): Promise<void>;
}

function adjust(adapter: SqlDriverAdapter, onDispose?: () => Promise<void>): SqlDriverAdapter {
  const a = adapter as unknown as PgInternals & SqlDriverAdapter;
  const charColumns = new WeakMap<SqlQuery, number[]>();
  const performIO = a.performIO.bind(a);
  a.performIO = async (q) => {
    const result = await performIO(q);
    const chars: number[] = [];
    result.fields.forEach((f, i) => {
      if (f.dataTypeID === CHAR_OID) chars.push(i);
      f.dataTypeID = CATALOG_AS_TEXT[f.dataTypeID] ?? f.dataTypeID;
    });
    if (chars.length) charColumns.set(q, chars);
    return result;
  };
  const queryRaw = a.queryRaw.bind(a);
  a.queryRaw = async (q) => {
    const result = await queryRaw(q);
    for (const i of charColumns.get(q) ?? []) result.columnTypes[i] = ColumnTypeEnum.Character;
    return result;
  };
  // adapter-pg splits scripts on ';', which breaks $$-quoted function bodies: send the script whole.
  a.executeScript = async (script) => {
    try {
      await a.underlyingDriver().query(script);
    } catch (e) {
      a.onError(e);
    }
  };
  if (onDispose) {
    const dispose = a.dispose.bind(a);
    a.dispose = async () => {
      await dispose();
      await onDispose();
    };
  }
  return a;
}

async function admin(cfg: pg.ClientConfig, sql: string): Promise<void> {
  const client = new pg.Client({ ...cfg, database: 'postgres' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Migration-aware adapter factory for a postgresql:// URL; the shadow database is created and dropped here. */
export function pgMigrationAdapter(url: string): SqlMigrationAwareDriverAdapterFactory {
  const cfg = pgConfigFromUrl(url);
  const base = new PrismaPg(cfg);
  return {
    provider: 'postgres',
    adapterName: base.adapterName,
    connect: async () => adjust(await base.connect()),
    async connectToShadowDb() {
      const name = `prisma_shadow_${randomUUID().replace(/-/g, '')}`;
      await admin(cfg, `CREATE DATABASE "${name}"`);
      // Drop only after the pool is closed, else PostgreSQL refuses ("being accessed by other users").
      const shadow = await new PrismaPg({ ...cfg, database: name }).connect();
      return adjust(shadow, () => admin(cfg, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
