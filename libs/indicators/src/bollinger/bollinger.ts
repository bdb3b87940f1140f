import { BollingerBands as TsBollingerBands } from 'trading-signals';
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
 * Bollinger and TA-Lib (trading-signals BollingerBands). https://www.bollingerbands.com/bollinger-band-rules
 */
export class BollingerBands implements StreamingIndicator<number, BollingerValue> {
  readonly #bands: TsBollingerBands;
  #result: BollingerValue | undefined;

  constructor({ period = DEFAULT_BOLLINGER_PERIOD, k = DEFAULT_BOLLINGER_K }: BollingerOptions = {}) {
    assertPeriod('Bollinger', 'period', period);
    assertPositive('Bollinger', 'k', k);
    this.#bands = new TsBollingerBands(period, k);
  }

  update(close: number): BollingerValue | undefined {
    const bands = this.#bands.add(close);
    if (bands === null) return undefined;
    const width = bands.upper - bands.lower;
    this.#result = {
      upper: bands.upper,
      middle: bands.middle,
      lower: bands.lower,
      bandwidth: width / bands.middle,
      percentB: width === 0 ? 0.5 : (close - bands.lower) / width,
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
