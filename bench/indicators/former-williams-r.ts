import type { OhlcvBar } from '@ats/indicators';

/**
 * The ring-buffer Williams %R that @ats/indicators had before ADR 0020 moved it onto trading-signals, kept here only
 * so library-vs-own.ts can still measure what the library costs against it (bit-identical values; the parity test
 * checked that while it lived in the lib).
 */
export class FormerWilliamsR {
  readonly #highs: Float64Array;
  readonly #lows: Float64Array;
  #count = 0;
  #next = 0;
  #result: number | undefined;

  constructor(readonly period: number) {
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
}
