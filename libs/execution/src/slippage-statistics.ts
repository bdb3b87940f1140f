import type { MarketStatistics } from './matching';

/** Bars behind the volatility and volume slippage statistics (about three trading weeks). */
export const DEFAULT_STATISTICS_LOOKBACK = 14;

/**
 * Rolling inputs of the volatility and volume slippage models: mean (high − low) / close and mean volume over the
 * last `lookback` bars of each symbol (ring buffers with running sums), by symbol index. The backtest engine and
 * the paper path feed it the same bars, so both price a fill with the statistics of the bars before it.
 */
export class SlippageStatistics {
  readonly #lookback: number;
  readonly #rangeRing: Float64Array;
  readonly #volumeRing: Float64Array;
  readonly #rangeSum: Float64Array;
  readonly #volumeSum: Float64Array;
  readonly #revealed: Int32Array;

  constructor(symbols: number, lookback = DEFAULT_STATISTICS_LOOKBACK) {
    this.#lookback = lookback;
    this.#rangeRing = new Float64Array(symbols * lookback);
    this.#volumeRing = new Float64Array(symbols * lookback);
    this.#rangeSum = new Float64Array(symbols);
    this.#volumeSum = new Float64Array(symbols);
    this.#revealed = new Int32Array(symbols);
  }

  /** Adds a bar of one symbol once it is known (after the orders it fills were matched). */
  update(symbolIndex: number, high: number, low: number, close: number, volume: number): void {
    const lookback = this.#lookback;
    const count = this.#revealed[symbolIndex] as number;
    const slot = symbolIndex * lookback + (count % lookback);
    const range = (high - low) / close;
    this.#rangeSum[symbolIndex] =
      (this.#rangeSum[symbolIndex] as number) + range - (this.#rangeRing[slot] as number);
    this.#volumeSum[symbolIndex] =
      (this.#volumeSum[symbolIndex] as number) + volume - (this.#volumeRing[slot] as number);
    this.#rangeRing[slot] = range;
    this.#volumeRing[slot] = volume;
    this.#revealed[symbolIndex] = count + 1;
  }

  /** Statistics from the bars revealed so far, i.e. before the bar being matched. */
  of(symbolIndex: number): MarketStatistics {
    const count = Math.min(this.#revealed[symbolIndex] as number, this.#lookback);
    if (count === 0) return {};
    return {
      rangeFraction: (this.#rangeSum[symbolIndex] as number) / count,
      averageVolume: (this.#volumeSum[symbolIndex] as number) / count,
    };
  }
}
