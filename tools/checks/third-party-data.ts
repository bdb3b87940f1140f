import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@ats/config';

/**
 * Third-party data stays out of the repository: the product reads it from the data folder (DATA__DIR). This check
 * fails when a tracked file has the same bytes as any file under the data folder, or when a tracked data file
 * (CSV/JSON) is larger than MAX_TRACKED_DATA_BYTES (a hand-made fixture is small; a copied data set is not).
 */
export const MAX_TRACKED_DATA_BYTES = 100 * 1024;
const DATA_EXTENSIONS = new Set(['.csv', '.json']);
/** Generated or tool-owned files that are JSON by nature, not data sets. */
const EXEMPT = [/(^|\/)package(-lock)?\.json$/, /(^|\/)tsconfig[^/]*\.json$/];

export interface DataProblem {
  readonly file: string;
  readonly reason: string;
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/**
 * Problems among `trackedFiles` (paths relative to `root`). `dataDir` undefined: only the size rule applies.
 * Files are compared by size first, then by SHA-256, so a large data folder costs one stat per file.
 */
export function checkThirdPartyData(
  root: string,
  trackedFiles: readonly string[],
  dataDir: string | undefined,
): DataProblem[] {
  const problems: DataProblem[] = [];
  const dataBySize = new Map<number, string[]>();
  if (dataDir !== undefined) {
    for (const path of walk(dataDir)) {
      const size = statSync(path).size;
      if (size === 0) continue;
      const list = dataBySize.get(size) ?? [];
      list.push(path);
      dataBySize.set(size, list);
    }
  }
  const hashes = new Map<string, string>();
  const hashOf = (path: string) => {
    let hash = hashes.get(path);
    if (hash === undefined) {
      hash = sha256(path);
      hashes.set(path, hash);
    }
    return hash;
  };
  for (const file of trackedFiles) {
    const path = resolve(root, file);
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      continue; // tracked but deleted in the working tree
    }
    const sameSize = dataBySize.get(size);
    if (sameSize !== undefined) {
      const copyOf = sameSize.find((dataFile) => hashOf(dataFile) === hashOf(path));
      if (copyOf !== undefined) {
        problems.push({
          file,
          reason: `same content as ${relative(dataDir as string, copyOf)} in the data folder`,
        });
        continue;
      }
    }
    if (
      DATA_EXTENSIONS.has(extname(file).toLowerCase()) &&
      size > MAX_TRACKED_DATA_BYTES &&
      !EXEMPT.some((pattern) => pattern.test(file))
    ) {
      problems.push({ file, reason: `data file of ${size} bytes (limit ${MAX_TRACKED_DATA_BYTES})` });
    }
  }
  return problems;
}

/** Files git tracks under `root`, relative to it. */
export function trackedFiles(root: string): string[] {
  return execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 })
    .split('\0')
    .filter(Boolean);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
  const problems = checkThirdPartyData(root, trackedFiles(root), loadConfig().data.dir);
  for (const p of problems) console.error(`${p.file}: ${p.reason}`);
  if (problems.length > 0) process.exit(1);
  console.log('no third-party data tracked');
}
