import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the product's data lives. Third-party data is never part of the repository: it is read from a data
 * folder (DATA__DIR) laid out like the shared data set (`ohlcv/<SYMBOL>.csv`, `news/`, `social/`,
 * `market-mood/`, `insider/`, `sentiment/`), and what a first run downloads goes to a git-ignored cache folder
 * (DATA__CACHE_DIR) with the same layout.
 */
export interface DataLocation {
  /** Absolute path of the data folder, or undefined when none is configured or found. */
  readonly dir: string | undefined;
  /** How `dir` was chosen: the DATA__DIR setting, or found beside the checkout (`../shared/data`). */
  readonly dirSource: 'setting' | 'beside-checkout' | 'none';
  /** Absolute path of the download cache (created on first write). */
  readonly cacheDir: string;
}

/** The folder name of the download cache at the workspace root (git-ignored). */
export const DEFAULT_DATA_CACHE_FOLDER = '.data-cache';

/**
 * The workspace root: the nearest folder with an `nx.json` above `from` (the current directory), then above
 * this module (a bundle under some `dist/` still lives inside the checkout); the current directory otherwise.
 */
export function findWorkspaceRoot(from: string = process.cwd()): string {
  return (
    nearestWithNxJson(resolve(from)) ??
    nearestWithNxJson(dirname(fileURLToPath(import.meta.url))) ??
    resolve(from)
  );
}

function nearestWithNxJson(start: string): string | undefined {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Resolves the data folder and the cache folder. A relative DATA__DIR / DATA__CACHE_DIR is taken from the
 * workspace root, so the same `.env` works from any project folder Nx runs a target in. Without DATA__DIR the
 * shared data set beside the checkout (`<root>/../shared/data`, as on the project's development and CI
 * machines) is used when it exists.
 */
export function resolveDataLocation(
  settings: { readonly dir?: string | undefined; readonly cacheDir?: string | undefined },
  root: string = findWorkspaceRoot(),
): DataLocation {
  const absolute = (path: string) => (isAbsolute(path) ? path : resolve(root, path));
  const cacheDir = absolute(settings.cacheDir ?? DEFAULT_DATA_CACHE_FOLDER);
  if (settings.dir !== undefined) return { dir: absolute(settings.dir), dirSource: 'setting', cacheDir };
  const beside = resolve(root, '..', 'shared', 'data');
  if (existsSync(join(beside, 'ohlcv'))) return { dir: beside, dirSource: 'beside-checkout', cacheDir };
  return { dir: undefined, dirSource: 'none', cacheDir };
}
