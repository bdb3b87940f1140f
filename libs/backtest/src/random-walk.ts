import { mulberry32 } from '@ats/contracts';
import { BarFeed, emptyOhlcvColumns, type SymbolColumns } from './feed';

export interface RandomWalkOptions {
  readonly symbols: number;
  readonly days: number;
  readonly seed: number;
  /** First trading date, YYYY-MM-DD (default 2014-01-02). */
  readonly start?: string;
  /** Daily log-return volatility (default 2%). */
  readonly dailyVolatility?: number;
  /** Daily drift of log returns (default 0.03%, about 8% a year). */
  readonly dailyDrift?: number;
}

const MS_PER_DAY = 86_400_000;

/** Weekdays from `start` (no holiday calendar: a synthetic universe only needs a plausible trading rhythm). */
export function weekdayTimestamps(start: string, count: number): string[] {
  const out: string[] = [];
  let ms = Date.parse(`${start}T00:00:00.000Z`);
  while (out.length < count) {
    const day = new Date(ms).getUTCDay();
    if (day !== 0 && day !== 6) out.push(new Date(ms).toISOString());
    ms += MS_PER_DAY;
  }
  return out;
}

/** One symbol's walk: `randomWalkFeed`'s options without the symbol count. */
export type RandomWalkSeriesOptions = Omit<RandomWalkOptions, 'symbols'>;

/**
 * A synthetic universe: geometric random walks with consistent OHLCV (open near the previous close, high/low
 * around open and close), for benchmarks and tests that need many symbols. Symbols are S0000, S0001, ...
 */
export function randomWalkFeed(options: RandomWalkOptions): BarFeed {
  const walk = walker(options);
  const series: SymbolColumns[] = [];
  for (let s = 0; s < options.symbols; s++) series.push(walk(`S${String(s).padStart(4, '0')}`));
  return new BarFeed(series, { timeframe: '1d', adjusted: false });
}

/**
 * One symbol's random walk (S0000), the same bars as the first symbol of `randomWalkFeed` with the same options:
 * for benchmarks of single-series code such as the indicators.
 */
export function randomWalkSeries(options: RandomWalkSeriesOptions): SymbolColumns {
  return walker(options)('S0000');
}

/** Walks one symbol after another from one seeded source, so a universe is the same for the same seed. */
function walker(options: RandomWalkSeriesOptions): (symbol: string) => SymbolColumns {
  const random = mulberry32(options.seed);
  const normal = () => {
    // Box–Muller; 1 − u keeps log() away from 0.
    const u = 1 - random();
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const sigma = options.dailyVolatility ?? 0.02;
  const drift = options.dailyDrift ?? 0.0003;
  const n = options.days;
  const ts = weekdayTimestamps(options.start ?? '2014-01-02', n);
  return (symbol) => {
    const columns = {
      symbol,
      ts,
      ...emptyOhlcvColumns(n),
    };
    let close = 20 + random() * 180;
    const baseVolume = 100_000 + random() * 5_000_000;
    for (let d = 0; d < n; d++) {
      const open = close * Math.exp(sigma * 0.25 * normal());
      close = open * Math.exp(drift + sigma * normal());
      const spread = Math.abs(sigma * 0.5 * normal());
      columns.open[d] = open;
      columns.close[d] = close;
      columns.high[d] = Math.max(open, close) * (1 + spread);
      columns.low[d] = Math.min(open, close) * (1 - spread);
      columns.volume[d] = Math.round(baseVolume * Math.exp(0.3 * normal()));
    }
    return columns;
  };
}
