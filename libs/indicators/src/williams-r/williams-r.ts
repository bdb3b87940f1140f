import { WilliamsR as TradingSignalsWilliamsR } from 'trading-signals';
import type { OhlcvBar } from '../bar';
import { assertPeriod, runSeries, type StreamingIndicator } from '../streaming';

export const DEFAULT_WILLIAMS_R_PERIOD = 14;

/**
 * Williams %R in [-100, 0]: −100 × (highest high − close) / (highest high − lowest low) over n bars; −100 on a flat
 * range. −20 and above reads overbought, −80 and below oversold. The math is trading-signals' WilliamsR (ADR 0020:
 * it costs about 1.3× our former ring-buffer twin per bar, within the 1.5× the ADR allows); this class only keeps the
 * lib's shape (`update` → number | undefined) and checks the period.
 */
export class WilliamsR implements StreamingIndicator<OhlcvBar, number> {
  readonly #oscillator: TradingSignalsWilliamsR;
  #result: number | undefined;

  constructor(readonly period: number = DEFAULT_WILLIAMS_R_PERIOD) {
    assertPeriod('Williams %R', 'period', period);
    this.#oscillator = new TradingSignalsWilliamsR(period);
  }

  update(bar: OhlcvBar): number | undefined {
    const value = this.#oscillator.add(bar);
    if (value !== null) this.#result = value;
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
