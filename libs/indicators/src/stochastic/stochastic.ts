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
 * Stochastic oscillator (Lane), fast: %K over n bars unsmoothed, %D = SMA(3) of %K. First value at bar
 * kPeriod+dPeriod−2. Own code over ring buffers (no allocation per bar); the arithmetic is trading-signals'
 * StochasticOscillator with slowing 1, operation for operation, so the values are bit-identical to it.
 */
export class Stochastic implements StreamingIndicator<OhlcvBar, StochasticValue> {
  readonly #highs: Float64Array;
  readonly #lows: Float64Array;
  /** The last dPeriod raw %K values, for %D. */
  readonly #ks: Float64Array;
  #bars = 0;
  #nextBar = 0;
  #kCount = 0;
  #nextK = 0;
  #result: StochasticValue | undefined;

  constructor({ kPeriod = DEFAULT_STOCHASTIC_K, dPeriod = DEFAULT_STOCHASTIC_D }: StochasticOptions = {}) {
    assertPeriod('Stochastic', 'kPeriod', kPeriod);
    assertPeriod('Stochastic', 'dPeriod', dPeriod);
    this.#highs = new Float64Array(kPeriod);
    this.#lows = new Float64Array(kPeriod);
    this.#ks = new Float64Array(dPeriod);
  }

  update(bar: OhlcvBar): StochasticValue | undefined {
    const kPeriod = this.#highs.length;
    this.#highs[this.#nextBar] = bar.high;
    this.#lows[this.#nextBar] = bar.low;
    this.#nextBar = this.#nextBar + 1 === kPeriod ? 0 : this.#nextBar + 1;
    if (this.#bars < kPeriod) this.#bars++;
    if (this.#bars < kPeriod) return undefined;
    // Math.max/min folds, as Math.max(...highs): the same result whatever the order (NaN and ±0 included).
    let highest = Number.NEGATIVE_INFINITY;
    let lowest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < kPeriod; i++) {
      highest = Math.max(highest, this.#highs[i] as number);
      lowest = Math.min(lowest, this.#lows[i] as number);
    }
    const divisor = highest - lowest;
    const rawK = ((bar.close - lowest) * 100) / (divisor === 0 ? 1 : divisor);
    // (0 + x) / 1 is the reference's SMA(1) "slowing", kept so that even −0 comes out the same.
    const fastK = (0 + rawK) / 1;
    const dPeriod = this.#ks.length;
    this.#ks[this.#nextK] = fastK;
    this.#nextK = this.#nextK + 1 === dPeriod ? 0 : this.#nextK + 1;
    if (this.#kCount < dPeriod) this.#kCount++;
    if (this.#kCount < dPeriod) {
      this.#result = undefined;
      return undefined;
    }
    // SMA(d) of %K re-summed oldest first from 0, as the reference's reduce.
    let sum = 0;
    for (let i = 0; i < dPeriod; i++) {
      const slot = this.#nextK + i < dPeriod ? this.#nextK + i : this.#nextK + i - dPeriod;
      sum += this.#ks[slot] as number;
    }
    // Clamped: (close − LL)·100/(HH − LL) can round 1 ulp past 100.
    this.#result = { k: clampPercent(fastK), d: clampPercent(sum / dPeriod) };
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
