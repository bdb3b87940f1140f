import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { loadConfig } from '@ats/config';

/** Daily bars live in `<data folder>/ohlcv/<SYMBOL>.csv`, in the data folder and in the download cache alike. */
export const OHLCV_FOLDER = 'ohlcv';

/** `<dir>/ohlcv` of a data or cache folder. */
export function ohlcvDirOf(dataDir: string): string {
  return join(dataDir, OHLCV_FOLDER);
}

/**
 * The data folder's `ohlcv/` (DATA__DIR, or the shared data beside the checkout), read from the configuration
 * when called, never at import; undefined when no data folder is configured.
 */
export function defaultOhlcvDir(
  data: { readonly dir?: string | undefined } = loadConfig().data,
): string | undefined {
  return data.dir === undefined ? undefined : ohlcvDirOf(data.dir);
}

/**
 * A directory given as a data folder (it has `ohlcv/`) means its `ohlcv/`; anything else is taken as is, so both
 * `DATA__DIR` and `DATA__DIR/ohlcv` work as a CSV location.
 */
export function resolveOhlcvDir(path: string): string {
  const nested = ohlcvDirOf(path);
  return existsSync(nested) && statSync(nested).isDirectory() ? nested : path;
}

/** Tickers that have a `<SYMBOL>.csv` in `dir`, upper-case and sorted; none when the folder does not exist. */
export function listOhlcvSymbols(dir: string): string[] {
  return csvFilesIn(dir)
    .map((file) => basename(file, extname(file)).toUpperCase())
    .sort();
}

/** Path of `symbol`'s CSV in `dir` (file names matched case-insensitively), or undefined. */
export function findOhlcvCsv(dir: string, symbol: string): string | undefined {
  const upper = symbol.toUpperCase();
  const match = csvFilesIn(dir).find((file) => basename(file, extname(file)).toUpperCase() === upper);
  return match === undefined ? undefined : join(dir, match);
}

function csvFilesIn(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir).filter((file) => extname(file).toLowerCase() === '.csv');
}
