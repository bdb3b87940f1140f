import type { OhlcvBar } from '../bar';
import { SimpleMovingAverage } from '../sma/sma';
import { runSeries, type StreamingIndicator } from '../streaming';

export const DEFAULT_VOLUME_SMA_PERIOD = 20;

/** Average traded volume: SMA of bar volume over n bars (the yardstick for "volume above average"). */
export class VolumeSma implements StreamingIndicator<OhlcvBar, number> {
  readonly #sma: SimpleMovingAverage;

  constructor(readonly period: number = DEFAULT_VOLUME_SMA_PERIOD) {
    this.#sma = new SimpleMovingAverage(period);
  }

  update(bar: OhlcvBar): number | undefined {
    return this.#sma.update(bar.volume);
  }

  getResult(): number | undefined {
    return this.#sma.getResult();
  }

  get isStable(): boolean {
    return this.#sma.isStable;
  }
}

/** Volume SMA aligned with `bars`; NaN for the first period-1 entries. */
export function computeVolumeSma(
  bars: readonly OhlcvBar[],
  period: number = DEFAULT_VOLUME_SMA_PERIOD,
): number[] {
  return runSeries(new VolumeSma(period), bars);
}
