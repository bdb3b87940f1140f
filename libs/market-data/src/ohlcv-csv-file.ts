import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RawBar } from './normalise';

/** The data folder's column layout; the download cache writes the same so either folder can serve as the other. */
export const OHLCV_CSV_HEADER = 'date,open,high,low,close,adj_close,volume';

/**
 * Daily rows (`ts` = `YYYY-MM-DD`) as CSV in the data folder's layout. Numbers are written in their shortest
 * round-trip form, so reading the file back gives the very same values; a row without an adjusted close leaves
 * `adj_close` empty.
 */
export function formatOhlcvCsv(rows: readonly RawBar[]): string {
  const lines = rows.map((row) =>
    [row.ts.slice(0, 10), row.open, row.high, row.low, row.close, row.adjClose ?? '', row.volume].join(','),
  );
  return `${[OHLCV_CSV_HEADER, ...lines].join('\n')}\n`;
}

/**
 * Writes through a temporary file in the same folder and renames it over `path`: a reader (another backtest
 * worker) sees the old file or the new one, never half of one.
 */
export async function writeFileAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  try {
    await writeFile(temporary, text, 'utf8');
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
