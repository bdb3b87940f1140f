import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The one report file of a run in `dir` whose name starts with `prefix` (strategy and period) and ends with `ext`:
 * names end with a digest of the settings, which a test need not recompute.
 */
export function reportFile(dir: string, prefix: string, ext: 'json' | 'html'): string {
  const matches = readdirSync(dir).filter(
    (f) => f.startsWith(`${prefix}-`) && f.endsWith(`.${ext}`) && /-[0-9a-f]{8}\.(json|html)$/.test(f),
  );
  if (matches.length !== 1)
    throw new Error(
      `expected one ${prefix}-<settings>.${ext} in ${dir}, found ${matches.join(', ') || 'none'}`,
    );
  return join(dir, matches[0] as string);
}
