import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeAtr,
  computeBollinger,
  computeMacd,
  computeObv,
  computeRsi,
  computeSlowStochastic,
  computeSma,
  computeStochastic,
  computeSupportResistance,
  computeTrendStructure,
  computeVolumeProfile,
  computeWilliamsR,
  detectBreakouts,
  detectDoubleTopsBottoms,
  detectMaCrossovers,
  type OhlcvBar,
} from '../src/index';
import { arbBars } from './support/arbitraries';

/** Every batch output at bar t, computed on the whole series, equals the same output computed on bars 0..t only. */
const batches: Record<string, (bars: OhlcvBar[]) => unknown[]> = {
  sma: (bars) =>
    computeSma(
      bars.map((b) => b.close),
      5,
    ),
  rsi: (bars) =>
    computeRsi(
      bars.map((b) => b.close),
      5,
    ),
  macd: (bars) =>
    computeMacd(
      bars.map((b) => b.close),
      { fast: 3, slow: 6, signal: 3 },
    ).histogram,
  bollinger: (bars) =>
    computeBollinger(
      bars.map((b) => b.close),
      { period: 5 },
    ).upper,
  stochastic: (bars) => computeStochastic(bars, { kPeriod: 5 }).d,
  slowStochastic: (bars) => computeSlowStochastic(bars, { kPeriod: 5 }).d,
  williamsR: (bars) => computeWilliamsR(bars, 5),
  atr: (bars) => computeAtr(bars, 5),
  obv: (bars) => computeObv(bars),
  volumeProfile: (bars) => computeVolumeProfile(bars, { window: 5 }),
  supportResistance: (bars) => computeSupportResistance(bars, { swingLookback: 2, atrPeriod: 3 }),
  trendStructure: (bars) => computeTrendStructure(bars, 2),
};
const eventDetectors: Record<string, (bars: OhlcvBar[]) => { barIndex: number }[]> = {
  maCrossovers: (bars) => detectMaCrossovers(bars, { fast: 2, slow: 5 }),
  breakouts: (bars) => detectBreakouts(bars, { period: 5, volumeMultiple: 1 }),
  doubles: (bars) => detectDoubleTopsBottoms(bars, { swingLookback: 2 }),
};

describe('no look-ahead', () => {
  for (const [name, compute] of Object.entries(batches)) {
    it(`${name}: value at t depends on bars 0..t only`, () => {
      fc.assert(
        fc.property(arbBars(1, 120), fc.nat(), (bars, cut) => {
          const t = cut % bars.length;
          expect(compute(bars.slice(0, t + 1))[t]).toEqual(compute(bars)[t]);
        }),
        { numRuns: 40 },
      );
    });
  }
  for (const [name, detect] of Object.entries(eventDetectors)) {
    it(`${name}: events up to t are the same without the bars after t`, () => {
      fc.assert(
        fc.property(arbBars(1, 150), fc.nat(), (bars, cut) => {
          const t = cut % bars.length;
          const full = detect(bars).filter((e) => e.barIndex <= t);
          expect(detect(bars.slice(0, t + 1))).toEqual(full);
        }),
        { numRuns: 40 },
      );
    });
  }
});
