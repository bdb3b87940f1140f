import type { OhlcvBar } from '../bar';
import { runSeries, type StreamingIndicator } from '../streaming';

/**
 * On-balance volume (Granville): starts at 0 on the first bar, then adds the bar's volume on an up close, subtracts it
 * on a down close, and is unchanged on an equal close. Own code: trading-signals' OBV needs a look-back period.
 */
export class OnBalanceVolume implements StreamingIndicator<OhlcvBar, number> {
  #previousClose: number | undefined;
  #result: number | undefined;

  update(bar: OhlcvBar): number | undefined {
    const previous = this.#previousClose;
    if (previous === undefined || this.#result === undefined) this.#result = 0;
    else if (bar.close > previous) this.#result += bar.volume;
    else if (bar.close < previous) this.#result -= bar.volume;
    this.#previousClose = bar.close;
    return this.#result;
  }

  getResult(): number | undefined {
    return this.#result;
  }

  get isStable(): boolean {
    return this.#result !== undefined;
  }
}

/** OBV aligned with `bars` (defined from the first bar). */
export function computeObv(bars: readonly OhlcvBar[]): number[] {
  return runSeries(new OnBalanceVolume(), bars);
}
