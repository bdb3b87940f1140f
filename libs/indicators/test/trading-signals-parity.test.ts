/**
 * Where ADR 0020 keeps our own code because trading-signals costs more than 1.5× per bar (ATR, RSI, the fast
 * Stochastic, Bollinger, the Wilder average, OBV), the values must stay bit-identical to the library's: every value is
 * compared with Object.is, not a tolerance. Williams %R runs on the library itself; it is compared too, so the wrapper
 * is checked to pass the library's values through unchanged.
 */
import fc from 'fast-check';
import {
  ATR,
  OBV,
  RSI,
  StochasticOscillator,
  BollingerBands as TsBollingerBands,
  WilliamsR as TsWilliamsR,
  WSMA,
} from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { AverageTrueRange } from '../src/atr/atr';
import type { OhlcvBar } from '../src/bar';
import { BollingerBands } from '../src/bollinger/bollinger';
import { OnBalanceVolume } from '../src/obv/obv';
import { RelativeStrengthIndex } from '../src/rsi/rsi';
import { Stochastic } from '../src/stochastic/stochastic';
import { WilderAverage } from '../src/wilder-average/wilder-average';
import { WilliamsR } from '../src/williams-r/williams-r';
import { arbBars } from './support/arbitraries';
import { loadAaplBars } from './support/fixtures';

const clampPercent = (x: number) => Math.min(100, Math.max(0, x));

/** Runs ours and the reference side by side; returns the first bar where they differ (or −1). */
function firstMismatch(bars: readonly OhlcvBar[], k: number, d: number): { at: number; what: string } {
  const ours = {
    atr: new AverageTrueRange(k),
    rsi: new RelativeStrengthIndex(Math.max(2, k)),
    stochastic: new Stochastic({ kPeriod: k, dPeriod: d }),
    williamsR: new WilliamsR(k),
    bollinger: new BollingerBands({ period: k, k: 1 + d / 2 }),
    wilder: new WilderAverage(k),
    obv: new OnBalanceVolume(),
  };
  const ref = {
    atr: new ATR(k),
    rsi: new RSI(Math.max(2, k)),
    stochastic: new StochasticOscillator({ kPeriod: k, dPeriod: d, kSlowingPeriod: 1 }),
    williamsR: new TsWilliamsR(k),
    bollinger: new TsBollingerBands(k, 1 + d / 2),
    wilder: new WSMA(k),
    // The library's OBV needs a look-back of at least 2 and starts on the second bar; ours reads 0 on the first.
    obv: new OBV(2),
  };
  for (let i = 0; i < bars.length; i++) {
    const bar = bars[i] as OhlcvBar;
    const same = (what: string, a: number | undefined, b: number | null | undefined) =>
      Object.is(a ?? null, b ?? null) ? undefined : { at: i, what: `${what}: ${a} vs ${b}` };
    const stochastic = ours.stochastic.update(bar);
    const stochasticRef = ref.stochastic.add(bar);
    const bands = ours.bollinger.update(bar.close);
    const bandsRef = ref.bollinger.add(bar.close);
    const obv = ours.obv.update(bar);
    const obvRef = ref.obv.add(bar) ?? (i === 0 ? 0 : null);
    const mismatch =
      same('atr', ours.atr.update(bar), ref.atr.add(bar)) ??
      same('rsi', ours.rsi.update(bar.close), ref.rsi.add(bar.close)) ??
      same('wilder', ours.wilder.update(bar.volume), ref.wilder.add(bar.volume)) ??
      same('williamsR', ours.williamsR.update(bar), ref.williamsR.add(bar)) ??
      same('stochastic.k', stochastic?.k, stochasticRef && clampPercent(stochasticRef.stochK)) ??
      same('stochastic.d', stochastic?.d, stochasticRef && clampPercent(stochasticRef.stochD)) ??
      same('bollinger.upper', bands?.upper, bandsRef?.upper) ??
      same('bollinger.middle', bands?.middle, bandsRef?.middle) ??
      same('bollinger.lower', bands?.lower, bandsRef?.lower) ??
      same('obv', obv, obvRef);
    if (mismatch) return mismatch;
  }
  return { at: -1, what: '' };
}

describe('own indicators are bit-identical to trading-signals', () => {
  it('on AAPL 2022–2023 with the default periods', () => {
    expect(firstMismatch(loadAaplBars(), 14, 3)).toEqual({ at: -1, what: '' });
    expect(firstMismatch(loadAaplBars(), 20, 3)).toEqual({ at: -1, what: '' });
  });

  it('on random bars (flat stretches included) and periods', () => {
    fc.assert(
      fc.property(
        arbBars(1, 200),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 5 }),
        (bars, k, d) => {
          expect(firstMismatch(bars, k, d)).toEqual({ at: -1, what: '' });
        },
      ),
      { numRuns: 200 },
    );
  });
});
