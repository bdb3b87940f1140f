import { WilliamsR as TsWilliamsR } from 'trading-signals';
import type { OhlcvBar } from '../bar';
import { assertPeriod, runSeries, type StreamingIndicator } from '../streaming';

export const DEFAULT_WILLIAMS_R_PERIOD = 14;

/**
 * Williams %R in [-100, 0]: −100 × (highest high − close) / (highest high − lowest low) over n bars; −100 on a flat
 * range (trading-signals WilliamsR). −20 and above reads overbought, −80 and below oversold.
 */
export class WilliamsR implements StreamingIndicator<OhlcvBar, number> {
  readonly #willR: TsWilliamsR;
  #result: number | undefined;

  constructor(readonly period: number = DEFAULT_WILLIAMS_R_PERIOD) {
    assertPeriod('Williams %R', 'period', period);
    this.#willR = new TsWilliamsR(period);
  }

  update(bar: OhlcvBar): number | undefined {
    this.#result = this.#willR.add(bar) ?? undefined;
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
