import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@ats/config';
import type { OhlcvBar } from '../../src/bar';

/** The window the AAPL tests were written for: 501 daily bars, 2022-01-03 .. 2023-12-29. */
const AAPL_FROM = '2022-01-01';
const AAPL_TO = '2023-12-31';
const OHLCV_HEADER = 'date,open,high,low,close,adj_close,volume';

/**
 * AAPL daily bars 2022–2023, cut from `ohlcv/AAPL.csv` of the data folder (DATA__DIR, see @ats/config): third-party
 * prices are read where they live, never copied into the repository. Split-adjusted OHLC; `adj_close` is not used.
 */
export function loadAaplBars(): OhlcvBar[] {
  const dataDir = loadConfig().data.dir;
  if (dataDir === undefined)
    throw new Error('AAPL test bars need the data folder: set DATA__DIR (it holds ohlcv/AAPL.csv)');
  const path = join(dataDir, 'ohlcv', 'AAPL.csv');
  const [header, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  if (header?.trim() !== OHLCV_HEADER) throw new Error(`${path}: unexpected header ${header}`);
  const bars: OhlcvBar[] = [];
  for (const row of rows) {
    const [date = '', open, high, low, close, , volume] = row.trim().split(',');
    if (date < AAPL_FROM || date > AAPL_TO) continue;
    bars.push({
      ts: `${date}T00:00:00.000Z`,
      open: Number(open),
      high: Number(high),
      low: Number(low),
      close: Number(close),
      volume: Number(volume),
    });
  }
  return bars;
}

/** Bars from closes alone (open = previous close, high/low = max/min of the two, constant volume). */
export function barsFromCloses(closes: readonly number[], volume = 1_000): OhlcvBar[] {
  return closes.map((close, i) => {
    const open = i === 0 ? close : (closes[i - 1] as number);
    return {
      ts: new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString(),
      open,
      high: Math.max(open, close),
      low: Math.min(open, close),
      close,
      volume,
    };
  });
}

/** Bars from explicit [high, low, close, volume] rows; open = previous close. */
export function barsFromHlcv(rows: readonly (readonly [number, number, number, number])[]): OhlcvBar[] {
  return rows.map(([high, low, close, volume], i) => ({
    ts: new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString(),
    open: i === 0 ? close : ((rows[i - 1] as readonly number[])[2] as number),
    high,
    low,
    close,
    volume,
  }));
}
