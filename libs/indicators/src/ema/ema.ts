import { assertPeriod, runSeries, type StreamingIndicator } from '../streaming';

/**
 * Exponential moving average, alpha = 2/(n+1), seeded with the SMA of the first n values, as TA-Lib.
 * Own code because trading-signals' EMA seeds with the first price, which shifts early values.
 */
export class ExponentialMovingAverage implements StreamingIndicator<number, number> {
  readonly #alpha: number;
  #seedSum = 0;
  #seen = 0;
  #result: number | undefined;

  constructor(readonly period: number) {
    assertPeriod('EMA', 'period', period);
    this.#alpha = 2 / (period + 1);
  }

  update(value: number): number | undefined {
    if (this.#result !== undefined) {
      this.#result += this.#alpha * (value - this.#result);
      return this.#result;
    }
    this.#seedSum += value;
    this.#seen++;
    if (this.#seen === this.period) this.#result = this.#seedSum / this.period;
    return this.#result;
  }

  getResult(): number | undefined {
    return this.#result;
  }

  get isStable(): boolean {
    return this.#result !== undefined;
  }
}

/** EMA aligned with `values`; NaN for the first period-1 entries. */
export function computeEma(values: readonly number[], period: number): number[] {
  return runSeries(new ExponentialMovingAverage(period), values);
}
