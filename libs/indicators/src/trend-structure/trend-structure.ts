import type { OhlcvBar } from '../bar';
import type { StreamingIndicator } from '../streaming';
import { DEFAULT_SWING_LOOKBACK, SwingDetector, type SwingPoint } from '../swing-points/swing-points';

export type Trend = 'up' | 'down' | 'sideways';

export interface TrendStructureValue {
  /** up: higher high and higher low; down: lower high and lower low; otherwise sideways. */
  readonly trend: Trend;
  readonly previousHigh: SwingPoint;
  readonly lastHigh: SwingPoint;
  readonly previousLow: SwingPoint;
  readonly lastLow: SwingPoint;
}

/**
 * Dow-style trend structure from the last two confirmed swing highs and the last two confirmed swing lows (see
 * SwingDetector: confirmed `lookback` bars after the swing). Undefined until two of each are known.
 */
export class TrendStructure implements StreamingIndicator<OhlcvBar, TrendStructureValue> {
  readonly #swings: SwingDetector;
  readonly #highs: SwingPoint[] = [];
  readonly #lows: SwingPoint[] = [];
  #result: TrendStructureValue | undefined;

  constructor(swingLookback: number = DEFAULT_SWING_LOOKBACK) {
    this.#swings = new SwingDetector(swingLookback);
  }

  update(bar: OhlcvBar): TrendStructureValue | undefined {
    this.#swings.update(bar);
    const { newHigh, newLow } = this.#swings;
    if (!newHigh && !newLow) return this.#result;
    if (newHigh) keepLastTwo(this.#highs, newHigh);
    if (newLow) keepLastTwo(this.#lows, newLow);
    const [previousHigh, lastHigh] = this.#highs;
    const [previousLow, lastLow] = this.#lows;
    if (!previousHigh || !lastHigh || !previousLow || !lastLow) return undefined;
    const trend: Trend =
      lastHigh.price > previousHigh.price && lastLow.price > previousLow.price
        ? 'up'
        : lastHigh.price < previousHigh.price && lastLow.price < previousLow.price
          ? 'down'
          : 'sideways';
    this.#result = { trend, previousHigh, lastHigh, previousLow, lastLow };
    return this.#result;
  }

  getResult(): TrendStructureValue | undefined {
    return this.#result;
  }

  get isStable(): boolean {
    return this.#result !== undefined;
  }
}

function keepLastTwo(points: SwingPoint[], point: SwingPoint): void {
  points.push(point);
  if (points.length > 2) points.shift();
}

/** Trend structure after each bar, aligned with `bars`; undefined until two swing highs and two swing lows exist. */
export function computeTrendStructure(
  bars: readonly OhlcvBar[],
  swingLookback: number = DEFAULT_SWING_LOOKBACK,
): (TrendStructureValue | undefined)[] {
  const structure = new TrendStructure(swingLookback);
  return bars.map((bar) => structure.update(bar));
}
