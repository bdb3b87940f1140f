import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@ats/config';
import { LocalCsvProvider } from '@ats/market-data';

/** The data folder's ohlcv/ (DATA__DIR), never the repository: the benches measure on the shared data set. */
export function dataFolderOhlcvDir(): string {
  const dir = loadConfig().data.dir;
  if (dir === undefined)
    throw new Error('no data folder: set DATA__DIR to the shared data set to run the bench');
  return join(dir, 'ohlcv');
}

/** Every symbol of the data folder's ohlcv/, sorted, and a provider over that folder. */
export function dataFolderUniverse(): { provider: LocalCsvProvider; symbols: string[] } {
  const ohlcv = dataFolderOhlcvDir();
  const symbols = readdirSync(ohlcv)
    .filter((f) => f.endsWith('.csv'))
    .map((f) => f.slice(0, -4))
    .sort();
  return { provider: new LocalCsvProvider({ path: ohlcv }), symbols };
}
