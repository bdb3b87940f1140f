import type { OhlcvBar } from '../bar';
import { assertPeriod } from '../streaming';

export const DEFAULT_SWING_LOOKBACK = 5;

export interface SwingPoint {
  readonly kind: 'high' | 'low';
  /** Index of the swing bar (0 = first bar fed). */
  readonly barIndex: number;
  readonly ts: string;
  /** The bar's high for a swing high, low for a swing low. */
  readonly price: number;
  /** Index of the bar at which the swing became known: barIndex + lookback. */
  readonly confirmedAtIndex: number;
}

/**
 * Swing (fractal) points: a swing high is a bar whose high is strictly above the `lookback` bars before it and at or
 * above the `lookback` bars after it (so a flat top counts once, at its first bar); swing low mirrored. A swing is
 * only known `lookback` bars later, which is when it is reported: no look-ahead.
 */
export class SwingDetector {
  readonly lookback: number;
  readonly #size: number;
  readonly #highs: Float64Array;
  readonly #lows: Float64Array;
  readonly #ts: string[];
  #barIndex = -1;
  /** Swing high confirmed by the last bar, if any. */
  newHigh: SwingPoint | undefined;
  /** Swing low confirmed by the last bar, if any. */
  newLow: SwingPoint | undefined;

  constructor(lookback: number = DEFAULT_SWING_LOOKBACK) {
    assertPeriod('SwingDetector', 'lookback', lookback);
    this.lookback = lookback;
    this.#size = 2 * lookback + 1;
    this.#highs = new Float64Array(this.#size);
    this.#lows = new Float64Array(this.#size);
    this.#ts = new Array<string>(this.#size).fill('');
  }

  /** Index of the last bar fed. */
  get barIndex(): number {
    return this.#barIndex;
  }

  update(bar: OhlcvBar): void {
    const index = ++this.#barIndex;
    const slot = index % this.#size;
    this.#highs[slot] = bar.high;
    this.#lows[slot] = bar.low;
    this.#ts[slot] = bar.ts;
    this.newHigh = undefined;
    this.newLow = undefined;
    if (index < this.#size - 1) return;

    const center = index - this.lookback;
    const centerSlot = center % this.#size;
    const high = this.#highs[centerSlot] as number;
    const low = this.#lows[centerSlot] as number;
    let isHigh = true;
    let isLow = true;
    for (let offset = 1; offset <= this.lookback && (isHigh || isLow); offset++) {
      const before = (center - offset) % this.#size;
      const after = (center + offset) % this.#size;
      if (!(high > (this.#highs[before] as number) && high >= (this.#highs[after] as number))) isHigh = false;
      if (!(low < (this.#lows[before] as number) && low <= (this.#lows[after] as number))) isLow = false;
    }
    const ts = this.#ts[centerSlot] as string;
    if (isHigh) this.newHigh = { kind: 'high', barIndex: center, ts, price: high, confirmedAtIndex: index };
    if (isLow) this.newLow = { kind: 'low', barIndex: center, ts, price: low, confirmedAtIndex: index };
  }
}

/** All swing points of `bars`, in the order they become known. */
export function findSwingPoints(
  bars: readonly OhlcvBar[],
  lookback: number = DEFAULT_SWING_LOOKBACK,
): SwingPoint[] {
  const detector = new SwingDetector(lookback);
  const swings: SwingPoint[] = [];
  for (const bar of bars) {
    detector.update(bar);
    if (detector.newHigh) swings.push(detector.newHigh);
    if (detector.newLow) swings.push(detector.newLow);
  }
  return swings;
}
