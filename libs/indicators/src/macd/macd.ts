import { ExponentialMovingAverage } from '../ema/ema';
import { InvalidIndicatorParameterError, type StreamingIndicator } from '../streaming';

export const DEFAULT_MACD_FAST = 12;
export const DEFAULT_MACD_SLOW = 26;
export const DEFAULT_MACD_SIGNAL = 9;

export interface MacdOptions {
  readonly fast?: number;
  readonly slow?: number;
  readonly signal?: number;
}

export interface MacdValue {
  /** EMA(fast) − EMA(slow) of the closes. */
  readonly macd: number;
  /** EMA(signal) of the MACD line. */
  readonly signal: number;
  /** MACD line − signal line. */
  readonly histogram: number;
}

/**
 * MACD (Appel): line = EMA12 − EMA26, signal = EMA9 of the line, histogram = line − signal. Every EMA is seeded with
 * the SMA of its first n inputs; the first value is at bar slow+signal−2 (33), TA-Lib's lookback. TA-Lib seeds the fast
 * EMA on bars 14–25 instead, so early values differ from TA-Lib's (by 1.34 at bar 33 on AAPL 2022–2023, within 1e-8
 * from bar 149; see the README).
 */
export class Macd implements StreamingIndicator<number, MacdValue> {
  readonly #fast: ExponentialMovingAverage;
  readonly #slow: ExponentialMovingAverage;
  readonly #signal: ExponentialMovingAverage;
  #result: MacdValue | undefined;

  constructor({
    fast = DEFAULT_MACD_FAST,
    slow = DEFAULT_MACD_SLOW,
    signal = DEFAULT_MACD_SIGNAL,
  }: MacdOptions = {}) {
    if (fast >= slow) throw new InvalidIndicatorParameterError('MACD', 'fast period (must be < slow)', fast);
    this.#fast = new ExponentialMovingAverage(fast);
    this.#slow = new ExponentialMovingAverage(slow);
    this.#signal = new ExponentialMovingAverage(signal);
  }

  update(close: number): MacdValue | undefined {
    const fast = this.#fast.update(close);
    const slow = this.#slow.update(close);
    if (fast === undefined || slow === undefined) return undefined;
    const line = fast - slow;
    const signal = this.#signal.update(line);
    if (signal === undefined) return undefined;
    this.#result = { macd: line, signal, histogram: line - signal };
    return this.#result;
  }

  getResult(): MacdValue | undefined {
    return this.#result;
  }

  get isStable(): boolean {
    return this.#result !== undefined;
  }
}

export interface MacdSeries {
  readonly macd: number[];
  readonly signal: number[];
  readonly histogram: number[];
}

/** MACD columns aligned with `closes`; NaN before warm-up. */
export function computeMacd(closes: readonly number[], options: MacdOptions = {}): MacdSeries {
  const indicator = new Macd(options);
  const n = closes.length;
  const series: MacdSeries = { macd: new Array(n), signal: new Array(n), histogram: new Array(n) };
  for (let i = 0; i < n; i++) {
    const value = indicator.update(closes[i] as number);
    series.macd[i] = value?.macd ?? Number.NaN;
    series.signal[i] = value?.signal ?? Number.NaN;
    series.histogram[i] = value?.histogram ?? Number.NaN;
  }
  return series;
}
