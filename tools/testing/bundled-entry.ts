import { fileURLToPath } from 'node:url';

/** tools/build/run-bundled.mjs: runs a TypeScript entry of the workspace as its cached esbuild bundle. */
export const RUN_BUNDLED = fileURLToPath(new URL('../build/run-bundled.mjs', import.meta.url));

/**
 * Node arguments that start a workspace entry (a path relative to the child's cwd, or absolute) the way the
 * product's own commands run it: one bundle, built on the first start after a change and reused, instead of tsx
 * compiling ~1,200 modules in every child (2-3 s of CPU per process here, several times that on busy cores).
 *   spawn(process.execPath, [...bundledEntry('src/cli.ts'), ...args], { cwd: appDir })
 */
export function bundledEntry(entry: string): string[] {
  return [RUN_BUNDLED, entry];
}
