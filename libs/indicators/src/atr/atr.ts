import { ATR } from 'trading-signals';
import type { OhlcvBar } from '../bar';
import { assertPeriod, runSeries, type StreamingIndicator } from '../streaming';

export const DEFAULT_ATR_PERIOD = 14;

/**
 * Average true range (Wilder): TR = max(high−low, |high−prev close|, |low−prev close|), the first bar's TR being
 * high−low; smoothed with alpha 1/n and seeded with the SMA of the first n TRs (trading-signals ATR). First value at
 * bar n−1 (TA-Lib skips the first bar's TR and starts one bar later).
 */
export class AverageTrueRange implements StreamingIndicator<OhlcvBar, number> {
  readonly #atr: ATR;
  #result: number | undefined;

  constructor(readonly period: number = DEFAULT_ATR_PERIOD) {
    assertPeriod('ATR', 'period', period);
    this.#atr = new ATR(period);
  }

  update(bar: OhlcvBar): number | undefined {
    this.#result = this.#atr.add(bar) ?? undefined;
    return this.#result;
  }

  getResult(): number | undefined {
    return this.#result;
  }

  get isStable(): boolean {
    return this.#result !== undefined;
  }
}

/** ATR aligned with `bars`; NaN for the first period-1 entries. */
export function computeAtr(bars: readonly OhlcvBar[], period: number = DEFAULT_ATR_PERIOD): number[] {
  return runSeries(new AverageTrueRange(period), bars);
}
