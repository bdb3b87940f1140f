import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbBars } from '../../test/support/arbitraries';
import { loadAaplBars } from '../../test/support/fixtures';
import { computeAtr } from '../atr/atr';
import { computeBollinger } from '../bollinger/bollinger';
import { detectDoubleTopsBottoms } from '../double-top-bottom/double-top-bottom';
import { computeEma } from '../ema/ema';
import { detectMaCrossovers } from '../ma-crossover/ma-crossover';
import { computeMacd } from '../macd/macd';
import { computeObv } from '../obv/obv';
import { detectBreakouts } from '../range-breakout/range-breakout';
import { computeRsi } from '../rsi/rsi';
import { computeSma } from '../sma/sma';
import { computeStochastic } from '../stochastic/stochastic';
import { computeSupportResistance } from '../support-resistance/support-resistance';
import { computeTrendStructure } from '../trend-structure/trend-structure';
import { computeVolumeProfile } from '../volume-profile/volume-profile';
import { computeVolumeSma } from '../volume-sma/volume-sma';
import { computeWilliamsR } from '../williams-r/williams-r';
import { IndicatorSet } from './indicator-set';
import { buildTechnicalSnapshot, EmptyIndicatorSetError, type TechnicalSnapshot } from './technical-snapshot';

const orNull = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? null : x);

describe('IndicatorSet + TechnicalSnapshot', () => {
  it('after every AAPL bar, the snapshot equals the batch functions at that bar', () => {
    const bars = loadAaplBars();
    const closes = bars.map((b) => b.close);
    const sma200 = computeSma(closes, 200);
    const ema12 = computeEma(closes, 12);
    const macd = computeMacd(closes);
    const rsi = computeRsi(closes);
    const stochastic = computeStochastic(bars);
    const willR = computeWilliamsR(bars);
    const bollinger = computeBollinger(closes);
    const atr = computeAtr(bars);
    const volumeSma = computeVolumeSma(bars);
    const obv = computeObv(bars);
    const profile = computeVolumeProfile(bars);
    const sr = computeSupportResistance(bars);
    const trend = computeTrendStructure(bars);
    const crosses = detectMaCrossovers(bars);
    const breakouts = detectBreakouts(bars);
    const doubles = detectDoubleTopsBottoms(bars);
    const lastBefore = <E extends { barIndex: number }>(events: E[], i: number) =>
      events.filter((e) => e.barIndex <= i).at(-1);

    const set = new IndicatorSet();
    bars.forEach((bar, i) => {
      set.update(bar);
      const s = buildTechnicalSnapshot(set);
      expect(s.ts).toBe(bar.ts);
      expect(s.barIndex).toBe(i);
      expect(s.sma['200']).toBe(orNull(sma200[i]));
      expect(s.ema['12']).toBe(orNull(ema12[i]));
      expect(s.macd?.histogram ?? null).toBe(orNull(macd.histogram[i]));
      expect(s.rsi).toBe(orNull(rsi[i]));
      expect(s.stochastic?.d ?? null).toBe(orNull(stochastic.d[i]));
      expect(s.williamsR).toBe(orNull(willR[i]));
      expect(s.bollinger?.percentB ?? null).toBe(orNull(bollinger.percentB[i]));
      expect(s.atr).toBe(orNull(atr[i]));
      expect(s.volumeSma).toBe(orNull(volumeSma[i]));
      expect(s.obv).toBe(obv[i]);
      expect(s.volumeProfile?.pointOfControl ?? null).toBe(profile[i]?.pointOfControl ?? null);
      expect(s.supportResistance?.nearestSupport ?? null).toEqual(sr[i]?.nearestSupport ?? null);
      expect(s.trend?.direction ?? null).toBe(trend[i]?.trend ?? null);
      expect(s.lastMaCross?.barIndex ?? null).toBe(lastBefore(crosses, i)?.barIndex ?? null);
      expect(s.lastBreakout?.barIndex ?? null).toBe(lastBefore(breakouts, i)?.barIndex ?? null);
      expect(s.lastDoublePattern?.barIndex ?? null).toBe(lastBefore(doubles, i)?.barIndex ?? null);
      if (s.lastBreakout) expect(s.lastBreakout.barsAgo).toBe(i - s.lastBreakout.barIndex);
    });
    // By the end of 2023 every indicator is warm.
    const last = buildTechnicalSnapshot(set);
    for (const [key, value] of Object.entries(last)) {
      if (!key.startsWith('last')) expect(value, key).not.toBeNull();
    }
  });

  it('a snapshot taken at bar t is JSON-safe and later bars do not change it', () => {
    fc.assert(
      fc.property(arbBars(2, 260), arbBars(1, 40), fc.nat(), (bars, future, cut) => {
        const t = cut % bars.length;
        const alone = new IndicatorSet();
        for (const bar of bars.slice(0, t + 1)) alone.update(bar);
        const expected: TechnicalSnapshot = JSON.parse(JSON.stringify(buildTechnicalSnapshot(alone)));
        // Same history, snapshot taken at t, then a different future keeps flowing into the set.
        const live = new IndicatorSet();
        let atT: TechnicalSnapshot | undefined;
        [...bars.slice(0, t + 1), ...future].forEach((bar, i) => {
          live.update(bar);
          if (i === t) atT = buildTechnicalSnapshot(live);
        });
        expect(JSON.parse(JSON.stringify(atT))).toEqual(expected);
      }),
      { numRuns: 30 },
    );
  });

  it('refuses a snapshot before any bar', () => {
    expect(() => buildTechnicalSnapshot(new IndicatorSet())).toThrow(EmptyIndicatorSetError);
  });

  it('reports the events of the current bar', () => {
    const set = new IndicatorSet({ maCrossover: { fast: 2, slow: 3 } });
    const bars = loadAaplBars();
    let crosses = 0;
    for (const bar of bars) {
      set.update(bar);
      if (set.eventsThisBar.maCross) crosses++;
    }
    expect(crosses).toBe(detectMaCrossovers(bars, { fast: 2, slow: 3 }).length);
    expect(set.sma.has(2) && set.sma.has(3) && set.sma.has(200)).toBe(true);
  });
});
