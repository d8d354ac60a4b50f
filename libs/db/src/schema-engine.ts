// Loads Prisma's schema engine compiled to wasm, so migrations need no native binary download.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';

export type { SchemaEngine };
type SchemaEngineClass = typeof SchemaEngine;

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, object>) => { exports: object };
}

let engineClass: Promise<SchemaEngineClass> | undefined;
let lastPanic: string | undefined;

// Node 20 cannot `import` a .wasm module, so instantiate it by hand and hand it to the JS glue once per process.
async function load(): Promise<SchemaEngineClass> {
  // Without this registry an engine panic surfaces only as "reading 'set_message'".
  (globalThis as Record<string, unknown>).PRISMA_WASM_PANIC_REGISTRY = {
    set_message: (message: string) => {
      lastPanic = message;
    },
  };
  const require = createRequire(import.meta.url);
  const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const glue = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  const bytes = fs.readFileSync(path.join(path.dirname(gluePath), 'schema_engine_bg.wasm'));
  // lib "es2023" has no WebAssembly typings; Node has the global.
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const instance = new wasm.Instance(new wasm.Module(bytes), { './schema_engine_bg.js': glue });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start(): void }).__wbindgen_start();
  return glue.SchemaEngine;
}

/**
 * Runs `fn` with a schema engine bound to a migration-aware adapter factory and frees it after.
 * Engine errors keep their message; a panic gets the panic text instead of a wasm-bindgen artefact.
 */
export async function withSchemaEngine<T>(
  schema: { path: string; content: string },
  adapterFactory: object,
  fn: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  engineClass ??= load();
  const Engine = await engineClass;
  lastPanic = undefined;
  let engine: SchemaEngine | undefined;
  try {
    engine = await Engine.new({ datamodels: [[schema.path, schema.content]] }, () => {}, adapterFactory);
    return await fn(engine);
  } catch (e) {
    throw engineError(e);
  } finally {
    engine?.free();
  }
}

function engineError(e: unknown): Error {
  if (lastPanic) return new Error(`schema engine panic: ${lastPanic}`);
  if (e instanceof Error) return e;
  // The engine rejects with plain objects ({ message, error_code, ... }) for user-facing errors.
  if (e && typeof e === 'object' && 'message' in e) {
    const { message, error_code: code } = e as { message: unknown; error_code?: unknown };
    return new Error(code ? `${String(code)}: ${String(message)}` : String(message));
  }
  return new Error(String(e));
}
