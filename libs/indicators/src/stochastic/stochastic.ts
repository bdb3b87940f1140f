import { StochasticOscillator } from 'trading-signals';
import type { OhlcvBar } from '../bar';
import { assertPeriod, type StreamingIndicator } from '../streaming';

export const DEFAULT_STOCHASTIC_K = 14;
export const DEFAULT_STOCHASTIC_D = 3;

export interface StochasticOptions {
  readonly kPeriod?: number;
  readonly dPeriod?: number;
}

export interface StochasticValue {
  /** Fast %K = 100 × (close − lowest low) / (highest high − lowest low) over kPeriod bars; 0 when the range is flat. */
  readonly k: number;
  /** %D = SMA(dPeriod) of %K. */
  readonly d: number;
}

/**
 * Stochastic oscillator (Lane), fast: %K over n bars unsmoothed, %D = SMA(3) of %K (trading-signals, slowing 1).
 * First value at bar kPeriod+dPeriod−2.
 */
export class Stochastic implements StreamingIndicator<OhlcvBar, StochasticValue> {
  readonly #stochastic: StochasticOscillator;
  #result: StochasticValue | undefined;

  constructor({ kPeriod = DEFAULT_STOCHASTIC_K, dPeriod = DEFAULT_STOCHASTIC_D }: StochasticOptions = {}) {
    assertPeriod('Stochastic', 'kPeriod', kPeriod);
    assertPeriod('Stochastic', 'dPeriod', dPeriod);
    this.#stochastic = new StochasticOscillator({ kPeriod, dPeriod, kSlowingPeriod: 1 });
  }

  update(bar: OhlcvBar): StochasticValue | undefined {
    const value = this.#stochastic.add(bar);
    // Clamped: trading-signals computes (close − LL)·100/(HH − LL), which can round 1 ulp past 100.
    this.#result =
      value === null ? undefined : { k: clampPercent(value.stochK), d: clampPercent(value.stochD) };
    return this.#result;
  }

  getResult(): StochasticValue | undefined {
    return this.#result;
  }

  get isStable(): boolean {
    return this.#result !== undefined;
  }
}

function clampPercent(value: number): number {
  return Math.min(100, Math.max(0, value));
}

export interface StochasticSeries {
  readonly k: number[];
  readonly d: number[];
}

/** %K and %D aligned with `bars`; NaN before warm-up. */
export function computeStochastic(
  bars: readonly OhlcvBar[],
  options: StochasticOptions = {},
): StochasticSeries {
  const indicator = new Stochastic(options);
  const series: StochasticSeries = { k: new Array(bars.length), d: new Array(bars.length) };
  for (let i = 0; i < bars.length; i++) {
    const value = indicator.update(bars[i] as OhlcvBar);
    series.k[i] = value?.k ?? Number.NaN;
    series.d[i] = value?.d ?? Number.NaN;
  }
  return series;
}
