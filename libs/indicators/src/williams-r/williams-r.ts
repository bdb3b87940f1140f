import type { OhlcvBar } from '../bar';
import { assertPeriod, runSeries, type StreamingIndicator } from '../streaming';

export const DEFAULT_WILLIAMS_R_PERIOD = 14;

/**
 * Williams %R in [-100, 0]: −100 × (highest high − close) / (highest high − lowest low) over n bars; −100 on a flat
 * range. −20 and above reads overbought, −80 and below oversold. Own code over a ring buffer (no allocation per bar),
 * scanning oldest first with the same comparisons as trading-signals' WilliamsR, so the values are bit-identical.
 */
export class WilliamsR implements StreamingIndicator<OhlcvBar, number> {
  readonly #highs: Float64Array;
  readonly #lows: Float64Array;
  #count = 0;
  #next = 0;
  #result: number | undefined;

  constructor(readonly period: number = DEFAULT_WILLIAMS_R_PERIOD) {
    assertPeriod('Williams %R', 'period', period);
    this.#highs = new Float64Array(period);
    this.#lows = new Float64Array(period);
  }

  update(bar: OhlcvBar): number | undefined {
    const n = this.period;
    this.#highs[this.#next] = bar.high;
    this.#lows[this.#next] = bar.low;
    this.#next = this.#next + 1 === n ? 0 : this.#next + 1;
    if (this.#count < n) this.#count++;
    if (this.#count < n) return undefined;
    // Oldest first (#next after the write), strict comparisons: a NaN first value sticks, as in the reference.
    let highest = this.#highs[this.#next] as number;
    let lowest = this.#lows[this.#next] as number;
    for (let j = 1; j < n; j++) {
      const slot = this.#next + j < n ? this.#next + j : this.#next + j - n;
      if ((this.#highs[slot] as number) > highest) highest = this.#highs[slot] as number;
      if ((this.#lows[slot] as number) < lowest) lowest = this.#lows[slot] as number;
    }
    const divisor = highest - lowest;
    this.#result = divisor === 0 ? -100 : ((highest - bar.close) / divisor) * -100;
    return this.#result;
  }

  getResult(): number | undefined {
    return this.#result;
  }

  get isStable(): boolean {
    return this.#result !== undefined;
  }
}

/** Williams %R aligned with `bars`; NaN for the first period-1 entries. */
export function computeWilliamsR(
  bars: readonly OhlcvBar[],
  period: number = DEFAULT_WILLIAMS_R_PERIOD,
): number[] {
  return runSeries(new WilliamsR(period), bars);
}
