// pglite-prisma-adapter, adjusted so the wasm schema engine can migrate an open PGlite through it.
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';

interface PgliteInternals {
  client: PGlite;
  onError(e: unknown): never;
}

// pglite-prisma-adapter 0.7.2 does not await exec(): a failing migration would become an unhandled rejection.
function adjust(adapter: SqlDriverAdapter, onDispose?: () => Promise<void>): SqlDriverAdapter {
  const a = adapter as unknown as PgliteInternals & SqlDriverAdapter;
  a.executeScript = async (script) => {
    try {
      await a.client.exec(script);
    } catch (e) {
      a.onError(e);
    }
  };
  if (onDispose) a.dispose = onDispose;
  return a;
}

export function pgliteMigrationAdapter(db: PGlite): SqlMigrationAwareDriverAdapterFactory {
  const base = new PrismaPGlite(db);
  return {
    provider: 'postgres',
    adapterName: base.adapterName,
    connect: async () => adjust(await base.connect()),
    // The library's own shadow database is never closed; this one is.
    async connectToShadowDb() {
      const shadow = await PGlite.create('memory://');
      return adjust(await new PrismaPGlite(shadow).connect(), () => shadow.close());
    },
  };
}
