import type { OhlcvBar } from '../bar';
import { assertPeriod, InvalidIndicatorParameterError, type StreamingIndicator } from '../streaming';

export const DEFAULT_BREAKOUT_PERIOD = 20;
/** Volume must be at least 1.5× the range's average volume to confirm the break. */
export const DEFAULT_BREAKOUT_VOLUME_MULTIPLE = 1.5;

export interface RangeBreakoutOptions {
  readonly period?: number;
  readonly volumeMultiple?: number;
}

export interface BreakoutEvent {
  readonly direction: 'up' | 'down';
  readonly barIndex: number;
  readonly ts: string;
  /** The range edge that was broken: highest high (up) or lowest low (down) of the previous n bars. */
  readonly level: number;
  readonly close: number;
  /** This bar's volume / average volume of the previous n bars. */
  readonly volumeRatio: number;
}

/**
 * Range breakout: the close ends beyond the highest high (up) or lowest low (down) of the previous n bars (the current
 * bar excluded, as a Donchian channel), with volume ≥ k × those bars' average volume (never on a zero-volume range).
 * `update` returns this bar's event, `getResult` the last one.
 */
export class RangeBreakout implements StreamingIndicator<OhlcvBar, BreakoutEvent> {
  readonly period: number;
  readonly volumeMultiple: number;
  readonly #highs: Float64Array;
  readonly #lows: Float64Array;
  readonly #volumes: Float64Array;
  #barIndex = -1;
  #last: BreakoutEvent | undefined;

  constructor({
    period = DEFAULT_BREAKOUT_PERIOD,
    volumeMultiple = DEFAULT_BREAKOUT_VOLUME_MULTIPLE,
  }: RangeBreakoutOptions = {}) {
    assertPeriod('RangeBreakout', 'period', period);
    if (!(volumeMultiple >= 0))
      throw new InvalidIndicatorParameterError('RangeBreakout', 'volumeMultiple', volumeMultiple);
    this.period = period;
    this.volumeMultiple = volumeMultiple;
    this.#highs = new Float64Array(period);
    this.#lows = new Float64Array(period);
    this.#volumes = new Float64Array(period);
  }

  update(bar: OhlcvBar): BreakoutEvent | undefined {
    const index = ++this.#barIndex;
    let event: BreakoutEvent | undefined;
    if (index >= this.period) {
      let highest = Number.NEGATIVE_INFINITY;
      let lowest = Number.POSITIVE_INFINITY;
      let volumeSum = 0;
      for (let i = 0; i < this.period; i++) {
        if ((this.#highs[i] as number) > highest) highest = this.#highs[i] as number;
        if ((this.#lows[i] as number) < lowest) lowest = this.#lows[i] as number;
        volumeSum += this.#volumes[i] as number;
      }
      const averageVolume = volumeSum / this.period;
      const volumeRatio = bar.volume / averageVolume;
      // A range that traded no volume gives nothing to confirm against: no event.
      if (averageVolume > 0 && volumeRatio >= this.volumeMultiple) {
        if (bar.close > highest) event = this.#event('up', index, bar, highest, volumeRatio);
        else if (bar.close < lowest) event = this.#event('down', index, bar, lowest, volumeRatio);
      }
    }
    const slot = index % this.period;
    this.#highs[slot] = bar.high;
    this.#lows[slot] = bar.low;
    this.#volumes[slot] = bar.volume;
    return event;
  }

  #event(direction: 'up' | 'down', barIndex: number, bar: OhlcvBar, level: number, volumeRatio: number) {
    this.#last = { direction, barIndex, ts: bar.ts, level, close: bar.close, volumeRatio };
    return this.#last;
  }

  getResult(): BreakoutEvent | undefined {
    return this.#last;
  }

  get isStable(): boolean {
    return this.#barIndex >= this.period;
  }
}

/** Every confirmed breakout in `bars`, in order. */
export function detectBreakouts(
  bars: readonly OhlcvBar[],
  options: RangeBreakoutOptions = {},
): BreakoutEvent[] {
  const detector = new RangeBreakout(options);
  const events: BreakoutEvent[] = [];
  for (const bar of bars) {
    const event = detector.update(bar);
    if (event) events.push(event);
  }
  return events;
}
