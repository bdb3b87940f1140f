import { StochasticOscillator } from 'trading-signals';
import type { OhlcvBar } from '../bar';
import { DEFAULT_STOCHASTIC_D, DEFAULT_STOCHASTIC_K } from '../stochastic/stochastic';
import { assertPeriod, type StreamingIndicator } from '../streaming';

/** %K smoothing of the slow stochastic: SMA(3) of the fast %K, as TA-Lib STOCH's default slowK. */
export const DEFAULT_STOCHASTIC_SLOWING = 3;

export interface SlowStochasticOptions {
  /** Look-back of the highest high / lowest low (TA-Lib fastK_period). */
  readonly kPeriod?: number;
  /** SMA period that smooths the fast %K into the slow %K (TA-Lib slowK_period, slowK_MAType SMA). */
  readonly slowing?: number;
  /** SMA period of the slow %K that gives the slow %D (TA-Lib slowD_period, slowD_MAType SMA). */
  readonly dPeriod?: number;
}

export interface SlowStochasticValue {
  /** Slow %K = SMA(slowing) of the fast %K, the fast %K being 0 on a flat range as in TA-Lib. */
  readonly k: number;
  /** Slow %D = SMA(dPeriod) of the slow %K. */
  readonly d: number;
}

/**
 * Slow stochastic oscillator (Lane), TA-Lib STOCH(14, 3 SMA, 3 SMA): the fast %K over 14 bars smoothed by SMA(3),
 * and its SMA(3) as %D; it whipsaws less than the fast one (`Stochastic`), at the cost of two bars of lag. First value
 * at bar kPeriod+slowing+dPeriod−3 (17), TA-Lib's lookback. The math is trading-signals' StochasticOscillator with
 * `kSlowingPeriod` (it has the slow form): not on IndicatorSet's hot path, so its per-bar allocation is acceptable.
 * https://school.stockcharts.com/doku.php?id=technical_indicators:stochastic_oscillator_fast_slow_and_full
 */
export class SlowStochastic implements StreamingIndicator<OhlcvBar, SlowStochasticValue> {
  readonly #oscillator: StochasticOscillator;
  #result: SlowStochasticValue | undefined;

  constructor({
    kPeriod = DEFAULT_STOCHASTIC_K,
    slowing = DEFAULT_STOCHASTIC_SLOWING,
    dPeriod = DEFAULT_STOCHASTIC_D,
  }: SlowStochasticOptions = {}) {
    assertPeriod('SlowStochastic', 'kPeriod', kPeriod);
    assertPeriod('SlowStochastic', 'slowing', slowing);
    assertPeriod('SlowStochastic', 'dPeriod', dPeriod);
    this.#oscillator = new StochasticOscillator({ kPeriod, kSlowingPeriod: slowing, dPeriod });
  }

  update(bar: OhlcvBar): SlowStochasticValue | undefined {
    const value = this.#oscillator.add(bar);
    if (value === null) return undefined;
    // Clamped as the fast Stochastic: (close − LL)·100/(HH − LL) can round 1 ulp past 100.
    this.#result = { k: clampPercent(value.stochK), d: clampPercent(value.stochD) };
    return this.#result;
  }

  getResult(): SlowStochasticValue | undefined {
    return this.#result;
  }

  get isStable(): boolean {
    return this.#result !== undefined;
  }
}

function clampPercent(value: number): number {
  return Math.min(100, Math.max(0, value));
}

export interface SlowStochasticSeries {
  readonly k: number[];
  readonly d: number[];
}

/** Slow %K and %D aligned with `bars`; NaN before warm-up. */
export function computeSlowStochastic(
  bars: readonly OhlcvBar[],
  options: SlowStochasticOptions = {},
): SlowStochasticSeries {
  const indicator = new SlowStochastic(options);
  const series: SlowStochasticSeries = { k: new Array(bars.length), d: new Array(bars.length) };
  for (let i = 0; i < bars.length; i++) {
    const value = indicator.update(bars[i] as OhlcvBar);
    series.k[i] = value?.k ?? Number.NaN;
    series.d[i] = value?.d ?? Number.NaN;
  }
  return series;
}
