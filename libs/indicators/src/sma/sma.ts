import { assertPeriod, runSeries, type StreamingIndicator } from '../streaming';

/**
 * Simple moving average: arithmetic mean of the last n values. https://www.investopedia.com/terms/s/sma.asp
 * Own code, O(1) per value with a rolling sum re-summed exactly every n values so rounding cannot drift; trading-signals'
 * SMA re-sums the whole window on every value, which was 40% of the IndicatorSet's time in a profile.
 */
export class SimpleMovingAverage implements StreamingIndicator<number, number> {
  readonly #window: Float64Array;
  #next = 0;
  #count = 0;
  #sum = 0;
  #sinceExactSum = 0;
  #result: number | undefined;

  constructor(readonly period: number) {
    assertPeriod('SMA', 'period', period);
    this.#window = new Float64Array(period);
  }

  update(value: number): number | undefined {
    const period = this.period;
    if (this.#count === period) this.#sum -= this.#window[this.#next] as number;
    else this.#count++;
    this.#window[this.#next] = value;
    this.#sum += value;
    this.#next = this.#next + 1 === period ? 0 : this.#next + 1;
    if (this.#count < period) return undefined;
    if (++this.#sinceExactSum >= period) {
      let exact = 0;
      for (let i = 0; i < period; i++) exact += this.#window[i] as number;
      this.#sum = exact;
      this.#sinceExactSum = 0;
    }
    this.#result = this.#sum / period;
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
