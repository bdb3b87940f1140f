import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

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
