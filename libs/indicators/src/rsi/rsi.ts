import { InvalidIndicatorParameterError, runSeries, type StreamingIndicator } from '../streaming';
import { WilderAverage } from '../wilder-average/wilder-average';

const RSI_MAX = 100;

export const DEFAULT_RSI_PERIOD = 14;

/**
 * RSI (Wilder): average gain and loss smoothed with alpha 1/n, seeded with the SMA of the first n gains/losses, as
 * TA-Lib (own code, bit-identical to trading-signals RSI over WSMA). First value at bar n. A window with no losses reads 100.
 */
export class RelativeStrengthIndex implements StreamingIndicator<number, number> {
  readonly #averageGain: WilderAverage;
  readonly #averageLoss: WilderAverage;
  #previousClose: number | undefined;
  #result: number | undefined;

  constructor(readonly period: number = DEFAULT_RSI_PERIOD) {
    // RSI(1) is meaningless (every value 0 or 100), and trading-signals, the reference it is checked against, never yields one.
    if (!Number.isInteger(period) || period < 2)
      throw new InvalidIndicatorParameterError('RSI', 'period', period);
    this.#averageGain = new WilderAverage(period);
    this.#averageLoss = new WilderAverage(period);
  }

  update(close: number): number | undefined {
    const previous = this.#previousClose;
    this.#previousClose = close;
    if (previous === undefined) return undefined;
    let averageGain: number | undefined;
    let averageLoss: number | undefined;
    if (close > previous) {
      averageLoss = this.#averageLoss.update(0);
      averageGain = this.#averageGain.update(close - previous);
    } else {
      averageLoss = this.#averageLoss.update(previous - close);
      averageGain = this.#averageGain.update(0);
    }
    if (averageGain === undefined || averageLoss === undefined) return undefined;
    this.#result = averageLoss === 0 ? RSI_MAX : RSI_MAX - RSI_MAX / (averageGain / averageLoss + 1);
    return this.#result;
  }

  getResult(): number | undefined {
    return this.#result;
  }

  get isStable(): boolean {
    return this.#result !== undefined;
  }
}

/** RSI aligned with `closes`; NaN for the first `period` entries. */
export function computeRsi(closes: readonly number[], period: number = DEFAULT_RSI_PERIOD): number[] {
  return runSeries(new RelativeStrengthIndex(period), closes);
}
