import { RSI } from 'trading-signals';
import { InvalidIndicatorParameterError, runSeries, type StreamingIndicator } from '../streaming';

export const DEFAULT_RSI_PERIOD = 14;

/**
 * RSI (Wilder): average gain and loss smoothed with alpha 1/n, seeded with the SMA of the first n gains/losses, as
 * TA-Lib (trading-signals RSI over WSMA). First value at bar n. A window with no losses reads 100.
 */
export class RelativeStrengthIndex implements StreamingIndicator<number, number> {
  readonly #rsi: RSI;
  #result: number | undefined;

  constructor(readonly period: number = DEFAULT_RSI_PERIOD) {
    // trading-signals keeps only n closes, so n = 1 would never see a change; RSI(1) is meaningless anyway.
    if (!Number.isInteger(period) || period < 2)
      throw new InvalidIndicatorParameterError('RSI', 'period', period);
    this.#rsi = new RSI(period);
  }

  update(close: number): number | undefined {
    this.#result = this.#rsi.add(close) ?? undefined;
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
