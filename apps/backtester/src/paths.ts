import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { canonicalJson } from '@ats/llm';

/**
 * Where report files go. Nx runs the target inside the project folder, so relative paths are taken from the
 * directory the user ran the command in (npm's INIT_CWD), and the default is `reports/` at the workspace root.
 */
export function resolveOutDir(
  given: string | undefined,
  cwd = process.cwd(),
  initCwd = process.env.INIT_CWD,
): string {
  if (given !== undefined) return isAbsolute(given) ? given : resolve(initCwd ?? cwd, given);
  return join(findWorkspaceRoot(cwd) ?? cwd, 'reports');
}

function findWorkspaceRoot(from: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * A report's file name without extension: strategy and period for the reader, then 8 hex of the SHA-256 of the
 * canonical request, so runs with different settings never overwrite each other and a re-run of the same settings
 * (same result, the engine is deterministic) replaces its own file.
 */
export function reportBaseName(request: {
  readonly strategy: string;
  readonly start: string;
  readonly end: string;
  readonly [setting: string]: unknown;
}): string {
  const settings = createHash('sha256').update(canonicalJson(request)).digest('hex').slice(0, 8);
  return `backtest-${request.strategy}-${request.start}-${request.end}-${settings}`;
}
