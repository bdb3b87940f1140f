import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What a walk collects: file names it keeps, folder names it never enters. */
export interface SourceWalk {
  readonly isSource: (fileName: string) => boolean;
  readonly skipFolders: ReadonlySet<string>;
}

/** TypeScript sources, declaration files aside. */
export const isTypeScriptSource = (fileName: string): boolean =>
  /\.(ts|tsx|mts)$/.test(fileName) && !fileName.endsWith('.d.ts');

/** The files below `dir` (depth first, in directory order) that the walk keeps. */
export function sourceFilesUnder(dir: string, walk: SourceWalk): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      if (!walk.skipFolders.has(entry)) files.push(...sourceFilesUnder(path, walk));
    } else if (walk.isSource(entry)) files.push(path);
  }
  return files;
}
