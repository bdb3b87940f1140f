import type { OhlcvBar } from '../bar';
import { assertPeriod, InvalidIndicatorParameterError, type StreamingIndicator } from '../streaming';
import { DEFAULT_SWING_LOOKBACK, SwingDetector, type SwingPoint } from '../swing-points/swing-points';

/** The two peaks (troughs) may differ by at most 2% of the higher (lower) one. */
export const DEFAULT_DOUBLE_PEAK_TOLERANCE = 0.02;
/** The trough between two peaks must sit at least 3% below the lower peak (mirrored for bottoms). */
export const DEFAULT_DOUBLE_MIN_DEPTH = 0.03;
export const DEFAULT_DOUBLE_MIN_BARS_BETWEEN = 5;
export const DEFAULT_DOUBLE_MAX_BARS_BETWEEN = 60;

export interface DoubleTopBottomOptions {
  readonly swingLookback?: number;
  readonly peakTolerance?: number;
  readonly minDepth?: number;
  readonly minBarsBetween?: number;
  readonly maxBarsBetween?: number;
}

export interface DoublePatternEvent {
  readonly kind: 'doubleTop' | 'doubleBottom';
  /** Bar that confirmed the pattern by closing beyond the neckline. */
  readonly barIndex: number;
  readonly ts: string;
  readonly first: SwingPoint;
  readonly second: SwingPoint;
  /** Lowest low between two tops (highest high between two bottoms). */
  readonly neckline: number;
}

interface Candidate {
  readonly first: SwingPoint;
  readonly second: SwingPoint;
  readonly neckline: number;
  /** A high above (low below) this voids a pending top (bottom): the pattern failed. */
  readonly invalidation: number;
}

/**
 * Double top: two consecutive swing highs within tolerance of each other, `minBarsBetween`..`maxBarsBetween` bars
 * apart, with a trough at least `minDepth` below them; confirmed on the first close below that trough (the neckline) once the second
 * peak is known (its swing needs `lookback` bars). Voided by a high beyond the peaks' tolerance, or when no break comes
 * within `maxBarsBetween` bars of the second peak. Double bottom mirrored. `update` returns this bar's confirmation.
 */
export class DoubleTopBottom implements StreamingIndicator<OhlcvBar, DoublePatternEvent> {
  readonly #swings: SwingDetector;
  readonly #tolerance: number;
  readonly #minDepth: number;
  readonly #minBars: number;
  readonly #maxBars: number;
  readonly #historySize: number;
  readonly #highs: Float64Array;
  readonly #lows: Float64Array;
  #barIndex = -1;
  #previousHigh: SwingPoint | undefined;
  #previousLow: SwingPoint | undefined;
  #pendingTop: Candidate | undefined;
  #pendingBottom: Candidate | undefined;
  #last: DoublePatternEvent | undefined;

  constructor({
    swingLookback = DEFAULT_SWING_LOOKBACK,
    peakTolerance = DEFAULT_DOUBLE_PEAK_TOLERANCE,
    minDepth = DEFAULT_DOUBLE_MIN_DEPTH,
    minBarsBetween = DEFAULT_DOUBLE_MIN_BARS_BETWEEN,
    maxBarsBetween = DEFAULT_DOUBLE_MAX_BARS_BETWEEN,
  }: DoubleTopBottomOptions = {}) {
    assertPeriod('DoubleTopBottom', 'minBarsBetween', minBarsBetween);
    assertPeriod('DoubleTopBottom', 'maxBarsBetween', maxBarsBetween);
    if (!(peakTolerance >= 0))
      throw new InvalidIndicatorParameterError('DoubleTopBottom', 'peakTolerance', peakTolerance);
    if (!(minDepth >= 0)) throw new InvalidIndicatorParameterError('DoubleTopBottom', 'minDepth', minDepth);
    this.#swings = new SwingDetector(swingLookback);
    this.#tolerance = peakTolerance;
    this.#minDepth = minDepth;
    this.#minBars = minBarsBetween;
    this.#maxBars = maxBarsBetween;
    // Enough bars to look back from the second peak's confirmation to the first peak.
    this.#historySize = maxBarsBetween + swingLookback + 1;
    this.#highs = new Float64Array(this.#historySize);
    this.#lows = new Float64Array(this.#historySize);
  }

  update(bar: OhlcvBar): DoublePatternEvent | undefined {
    const index = ++this.#barIndex;
    this.#highs[index % this.#historySize] = bar.high;
    this.#lows[index % this.#historySize] = bar.low;
    this.#swings.update(bar);
    const { newHigh, newLow } = this.#swings;
    if (newHigh) {
      if (this.#previousHigh)
        this.#pendingTop = this.#topCandidate(this.#previousHigh, newHigh) ?? this.#pendingTop;
      this.#previousHigh = newHigh;
    }
    if (newLow) {
      if (this.#previousLow) {
        this.#pendingBottom = this.#bottomCandidate(this.#previousLow, newLow) ?? this.#pendingBottom;
      }
      this.#previousLow = newLow;
    }

    let event: DoublePatternEvent | undefined;
    const top = this.#pendingTop;
    if (top) {
      if (bar.high > top.invalidation || index - top.second.barIndex > this.#maxBars)
        this.#pendingTop = undefined;
      else if (bar.close < top.neckline) {
        event = this.#confirm('doubleTop', index, bar.ts, top);
        this.#pendingTop = undefined;
      }
    }
    const bottom = this.#pendingBottom;
    if (bottom) {
      if (bar.low < bottom.invalidation || index - bottom.second.barIndex > this.#maxBars)
        this.#pendingBottom = undefined;
      else if (bar.close > bottom.neckline) {
        event = this.#confirm('doubleBottom', index, bar.ts, bottom);
        this.#pendingBottom = undefined;
      }
    }
    return event;
  }

  #confirm(kind: DoublePatternEvent['kind'], barIndex: number, ts: string, candidate: Candidate) {
    const { first, second, neckline } = candidate;
    this.#last = { kind, barIndex, ts, first, second, neckline };
    return this.#last;
  }

  getResult(): DoublePatternEvent | undefined {
    return this.#last;
  }

  get isStable(): boolean {
    return this.#barIndex >= 0;
  }

  #spacingOk(first: SwingPoint, second: SwingPoint): boolean {
    const bars = second.barIndex - first.barIndex;
    return bars >= this.#minBars && bars <= this.#maxBars;
  }

  #topCandidate(first: SwingPoint, second: SwingPoint): Candidate | undefined {
    const higher = Math.max(first.price, second.price);
    const lower = Math.min(first.price, second.price);
    if (!this.#spacingOk(first, second) || higher - lower > this.#tolerance * higher) return undefined;
    let neckline = Number.POSITIVE_INFINITY;
    for (let i = first.barIndex + 1; i < second.barIndex; i++) {
      neckline = Math.min(neckline, this.#lows[i % this.#historySize] as number);
    }
    if (lower - neckline < this.#minDepth * lower) return undefined;
    return { first, second, neckline, invalidation: higher * (1 + this.#tolerance) };
  }

  #bottomCandidate(first: SwingPoint, second: SwingPoint): Candidate | undefined {
    const higher = Math.max(first.price, second.price);
    const lower = Math.min(first.price, second.price);
    if (!this.#spacingOk(first, second) || higher - lower > this.#tolerance * lower) return undefined;
    let neckline = Number.NEGATIVE_INFINITY;
    for (let i = first.barIndex + 1; i < second.barIndex; i++) {
      neckline = Math.max(neckline, this.#highs[i % this.#historySize] as number);
    }
    if (neckline - higher < this.#minDepth * higher) return undefined;
    return { first, second, neckline, invalidation: lower * (1 - this.#tolerance) };
  }
}

/** Every confirmed double top and double bottom in `bars`, in order of confirmation. */
export function detectDoubleTopsBottoms(
  bars: readonly OhlcvBar[],
  options: DoubleTopBottomOptions = {},
): DoublePatternEvent[] {
  const detector = new DoubleTopBottom(options);
  const events: DoublePatternEvent[] = [];
  for (const bar of bars) {
    const event = detector.update(bar);
    if (event) events.push(event);
  }
  return events;
}
