import type { Bar } from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import { computeIndicatorSeries } from './indicator-series';

function bars(closes: number[]): Bar[] {
  return closes.map((close, i) => ({
    symbol: 'TEST',
    timeframe: '1d',
    ts: new Date(Date.UTC(2023, 0, 2 + i)).toISOString(),
    open: close,
    high: close + 1,
    low: close - 1,
    close,
    volume: 1000 + i,
    adjusted: true,
  }));
}

describe('indicator series', () => {
  it('returns the bars from `from` on, computed with the earlier bars as warm-up', () => {
    const closes = Array.from({ length: 260 }, (_, i) => 100 + i);
    const input = bars(closes);
    const from = input[230]?.ts ?? '';
    const out = computeIndicatorSeries(input, from);
    expect(out.warmupBars).toBe(230);
    expect(out.ts).toHaveLength(30);
    expect(out.ts[0]).toBe(from);
    // SMA20 of a linear ramp at bar t is close(t) - 9.5; SMA200 is close(t) - 99.5.
    expect(out.series.sma20?.[0]).toBeCloseTo(330 - 9.5, 9);
    expect(out.series.sma200?.[0]).toBeCloseTo(330 - 99.5, 9);
    // A steadily rising close has no losses: RSI 100.
    expect(out.series.rsi14?.at(-1)).toBeCloseTo(100, 9);
  });

  it('gives null, not NaN, while an indicator warms up, and ignores later bars for earlier values', () => {
    const input = bars(Array.from({ length: 30 }, (_, i) => 50 + Math.sin(i)));
    const out = computeIndicatorSeries(input, input[0]?.ts ?? '');
    expect(out.series.sma20?.slice(0, 19).every((v) => v === null)).toBe(true);
    expect(out.series.sma200?.every((v) => v === null)).toBe(true);
    const truncated = computeIndicatorSeries(input.slice(0, 25), input[0]?.ts ?? '');
    expect(truncated.series.sma20?.slice(0, 25)).toEqual(out.series.sma20?.slice(0, 25));
    expect(truncated.series.macd).toEqual(out.series.macd?.slice(0, 25));
  });
});
