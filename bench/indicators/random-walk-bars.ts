import { randomWalkSeries } from '@ats/backtest';
import type { OhlcvBar } from '@ats/indicators';

/**
 * Seeded daily bars for the indicator benches (every run measures the same bars): @ats/backtest's random walk at
 * ≈1.5% daily moves and no drift, so a million bars keep finite, plausible prices (a drift of 0.03% a day would
 * reach e^300).
 */
export function randomWalkBars(count: number, seed = 42): OhlcvBar[] {
  const walk = randomWalkSeries({ days: count, seed, dailyVolatility: 0.015, dailyDrift: 0 });
  const bars: OhlcvBar[] = new Array(count);
  for (let i = 0; i < count; i++) {
    bars[i] = {
      ts: walk.ts[i] as string,
      open: walk.open[i] as number,
      high: walk.high[i] as number,
      low: walk.low[i] as number,
      close: walk.close[i] as number,
      volume: walk.volume[i] as number,
    };
  }
  return bars;
}
