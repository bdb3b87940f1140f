import { assertPeriod, runSeries, type StreamingIndicator } from '../streaming';

/**
 * Wilder's smoothing (RMA, SMMA): seeded with the simple mean of the first n values, then
 * avg += (value − avg) × (1/n). Behind RSI and ATR (Wilder 1978, as TA-Lib). O(1) per value, no allocation; the
 * arithmetic is the same as trading-signals' WSMA, operation for operation, so results are bit-identical to it.
 */
export class WilderAverage implements StreamingIndicator<number, number> {
  readonly #smoothingFactor: number;
  #seedSum = 0;
  #seen = 0;
  #result: number | undefined;

  constructor(readonly period: number) {
    assertPeriod('WilderAverage', 'period', period);
    this.#smoothingFactor = 1 / period;
  }

  update(value: number): number | undefined {
    const previous = this.#result;
    if (previous !== undefined) {
      this.#result = (value - previous) * this.#smoothingFactor + previous;
      return this.#result;
    }
    // Summed from 0 in arrival order, then divided by n: the seed mean exactly as a left-to-right reduce gives it.
    this.#seedSum += value;
    if (++this.#seen === this.period) this.#result = this.#seedSum / this.period;
    return this.#result;
  }

  getResult(): number | undefined {
    return this.#result;
  }

  get isStable(): boolean {
    return this.#result !== undefined;
  }
}

/** Wilder average aligned with `values`; NaN for the first period−1 entries. */
export function computeWilderAverage(values: readonly number[], period: number): number[] {
  return runSeries(new WilderAverage(period), values);
}
