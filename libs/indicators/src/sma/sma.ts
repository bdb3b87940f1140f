import { SMA } from 'trading-signals';
import { assertPeriod, runSeries, type StreamingIndicator } from '../streaming';

/**
 * Simple moving average: arithmetic mean of the last n values (trading-signals SMA).
 * https://www.investopedia.com/terms/s/sma.asp
 */
export class SimpleMovingAverage implements StreamingIndicator<number, number> {
  readonly #sma: SMA;
  #result: number | undefined;

  constructor(readonly period: number) {
    assertPeriod('SMA', 'period', period);
    this.#sma = new SMA(period);
  }

  update(value: number): number | undefined {
    this.#result = this.#sma.add(value) ?? undefined;
    return this.#result;
  }

  getResult(): number | undefined {
    return this.#result;
  }

  get isStable(): boolean {
    return this.#result !== undefined;
  }
}

/** SMA of each value's trailing window, aligned with `values`; NaN for the first period-1 entries. */
export function computeSma(values: readonly number[], period: number): number[] {
  return runSeries(new SimpleMovingAverage(period), values);
}
