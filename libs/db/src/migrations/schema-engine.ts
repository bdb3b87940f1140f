/**
 * Loads Prisma's schema engine compiled to wasm, without `--experimental-wasm-modules`: the package's own entry
 * does `import * as wasm from "./schema_engine_bg.wasm"`, which plain Node cannot import, so we instantiate the
 * module ourselves and hand its exports to the wasm-bindgen glue.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { MigrationAdapterFactory } from './pg-workarounds';

export type { SchemaEngine };

// The project compiles without the DOM lib, which is where TypeScript declares WebAssembly: type what we use.
interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: Record<string, object>): Promise<WasmInstance>;
  Module: { imports(module: object): { module: string }[] };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

type Bindings = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');

/**
 * The engine arms timers (e.g. a 10 s advisory-lock timeout) and, having no clearTimeout import, never cancels
 * them: each would keep a finished CLI alive for its full duration. Unref them; the engine's pending database
 * I/O keeps the process alive while it works.
 */
function withUnrefTimers(glue: Bindings): Record<string, unknown> {
  const imports: Record<string, unknown> = { ...glue };
  for (const [name, value] of Object.entries(glue)) {
    if (!name.startsWith('__wbg_setTimeout_') || typeof value !== 'function') continue;
    imports[name] = (...args: unknown[]) => {
      const timer = (value as (...a: unknown[]) => unknown)(...args) as { unref?: () => void };
      timer?.unref?.();
      return timer;
    };
  }
  return imports;
}

let initialised: Promise<Bindings> | undefined;

// Imported on first use, so that even an app bundle containing @ats/db loads the engine only when migrating.
function initialise(): Promise<Bindings> {
  initialised ??= (async () => {
    const bindings = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const glue = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await readFile(join(dirname(glue), 'schema_engine_bg.wasm'));
    const module = await wasm.compile(bytes);
    // Every import the wasm declares lives in the glue module (wasm-bindgen "bundler" target).
    const glueImports = withUnrefTimers(bindings);
    const imports: Record<string, object> = {};
    for (const { module: name } of wasm.Module.imports(module)) imports[name] = glueImports;
    const instance = await wasm.instantiate(module, imports);
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bindings;
  })();
  return initialised;
}

export interface SchemaFile {
  readonly path: string;
  readonly content: string;
}

/** A schema engine bound to the database behind `adapterFactory`; call `free()` when done. */
export async function openSchemaEngine(
  schema: SchemaFile,
  adapterFactory: MigrationAdapterFactory,
  log: (line: string) => void,
): Promise<SchemaEngine> {
  const bindings = await initialise();
  return bindings.SchemaEngine.new(
    { datamodels: [[schema.path, schema.content]] },
    (line: unknown) => log(String(line)),
    bindMigrationAwareSqlAdapterFactory(adapterFactory),
  );
}
