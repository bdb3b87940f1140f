import { assertPeriod, assertPositive, type StreamingIndicator } from '../streaming';

export const DEFAULT_BOLLINGER_PERIOD = 20;
export const DEFAULT_BOLLINGER_K = 2;

export interface BollingerOptions {
  readonly period?: number;
  /** Band width in standard deviations. */
  readonly k?: number;
}

export interface BollingerValue {
  readonly upper: number;
  /** SMA(n) of the closes. */
  readonly middle: number;
  readonly lower: number;
  /** (upper − lower) / middle, as a fraction (Bollinger's BandWidth without the ×100). */
  readonly bandwidth: number;
  /** (close − lower) / (upper − lower); 0.5 when the bands are flat. */
  readonly percentB: number;
}

/**
 * Bollinger Bands: middle = SMA(n), bands = middle ± k × population standard deviation over n (n=20, k=2), as
 * Bollinger and TA-Lib. https://www.bollingerbands.com/bollinger-band-rules
 * Own code over a ring buffer (no allocation per bar besides the result); mean and deviation are re-summed oldest
 * first from 0 each bar, exactly as trading-signals' BollingerBands, so the values are bit-identical to it.
 */
export class BollingerBands implements StreamingIndicator<number, BollingerValue> {
  readonly #closes: Float64Array;
  readonly #k: number;
  #count = 0;
  #next = 0;
  #result: BollingerValue | undefined;

  constructor({ period = DEFAULT_BOLLINGER_PERIOD, k = DEFAULT_BOLLINGER_K }: BollingerOptions = {}) {
    assertPeriod('Bollinger', 'period', period);
    assertPositive('Bollinger', 'k', k);
    this.#closes = new Float64Array(period);
    this.#k = k;
  }

  update(close: number): BollingerValue | undefined {
    const closes = this.#closes;
    const n = closes.length;
    closes[this.#next] = close;
    this.#next = this.#next + 1 === n ? 0 : this.#next + 1;
    if (this.#count < n) this.#count++;
    if (this.#count < n) return undefined;
    // After the write, #next is the oldest close.
    let sum = 0;
    for (let i = this.#next; i < n; i++) sum += closes[i] as number;
    for (let i = 0; i < this.#next; i++) sum += closes[i] as number;
    const middle = sum / n;
    let squares = 0;
    for (let i = this.#next; i < n; i++) {
      const d = (closes[i] as number) - middle;
      squares += d * d;
    }
    for (let i = 0; i < this.#next; i++) {
      const d = (closes[i] as number) - middle;
      squares += d * d;
    }
    const deviation = Math.sqrt(squares / n);
    const lower = middle - deviation * this.#k;
    const upper = middle + deviation * this.#k;
    const width = upper - lower;
    this.#result = {
      upper,
      middle,
      lower,
      bandwidth: width / middle,
      percentB: width === 0 ? 0.5 : (close - lower) / width,
    };
    return this.#result;
  }

  getResult(): BollingerValue | undefined {
    return this.#result;
  }

  get isStable(): boolean {
    return this.#result !== undefined;
  }
}

export interface BollingerSeries {
  readonly upper: number[];
  readonly middle: number[];
  readonly lower: number[];
  readonly bandwidth: number[];
  readonly percentB: number[];
}

/** Bollinger columns aligned with `closes`; NaN before warm-up. */
export function computeBollinger(closes: readonly number[], options: BollingerOptions = {}): BollingerSeries {
  const indicator = new BollingerBands(options);
  const n = closes.length;
  const series: BollingerSeries = {
    upper: new Array(n),
    middle: new Array(n),
    lower: new Array(n),
    bandwidth: new Array(n),
    percentB: new Array(n),
  };
  for (let i = 0; i < n; i++) {
    const value = indicator.update(closes[i] as number);
    series.upper[i] = value?.upper ?? Number.NaN;
    series.middle[i] = value?.middle ?? Number.NaN;
    series.lower[i] = value?.lower ?? Number.NaN;
    series.bandwidth[i] = value?.bandwidth ?? Number.NaN;
    series.percentB[i] = value?.percentB ?? Number.NaN;
  }
  return series;
}
