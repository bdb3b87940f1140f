import { AverageTrueRange, DEFAULT_ATR_PERIOD } from '../atr/atr';
import type { OhlcvBar } from '../bar';
import { assertPeriod, InvalidIndicatorParameterError, type StreamingIndicator } from '../streaming';
import { DEFAULT_SWING_LOOKBACK, SwingDetector, type SwingPoint } from '../swing-points/swing-points';

/** Swings remembered for level building (about a year of daily bars at lookback 5). */
export const DEFAULT_MAX_SWINGS = 40;
/** Swing prices within half an ATR of a level's average price are the same level. */
export const DEFAULT_LEVEL_TOLERANCE_ATR = 0.5;

export interface SupportResistanceOptions {
  readonly swingLookback?: number;
  readonly maxSwings?: number;
  /** Cluster tolerance as a multiple of ATR(atrPeriod)… */
  readonly toleranceAtr?: number;
  readonly atrPeriod?: number;
  /** …or, when set, as a fraction of price (0.01 = 1%), which needs no ATR warm-up. */
  readonly tolerancePct?: number;
}

export interface PriceLevel {
  /** Average of the clustered swing prices. */
  readonly price: number;
  /** Swing highs and lows that make up the level: its strength. */
  readonly touches: number;
  readonly lastTouchIndex: number;
}

/** The two levels either side of the last close (price and touches), without the full level list. */
export interface NearestLevels {
  readonly supportPrice: number | undefined;
  readonly supportTouches: number | undefined;
  readonly resistancePrice: number | undefined;
  readonly resistanceTouches: number | undefined;
}

export interface SupportResistanceValue {
  /** All levels, ascending by price. */
  readonly levels: readonly PriceLevel[];
  /** Highest level strictly below the last close. */
  readonly nearestSupport: PriceLevel | undefined;
  /** Lowest level strictly above the last close. */
  readonly nearestResistance: PriceLevel | undefined;
  readonly tolerance: number;
}

/**
 * Support/resistance from swing points: the last `maxSwings` confirmed swing highs and lows (either kind: old
 * resistance becomes support) are sorted by price and clustered greedily while a price stays within tolerance of the
 * cluster's average; strength = number of touches. Levels only use swings already confirmed: no look-ahead.
 */
export class SupportResistance implements StreamingIndicator<OhlcvBar, SupportResistanceValue> {
  readonly #swings: SwingDetector;
  readonly #atr: AverageTrueRange;
  readonly #maxSwings: number;
  readonly #toleranceAtr: number;
  readonly #tolerancePct: number | undefined;
  readonly #recent: SwingPoint[] = [];
  /** #recent kept sorted by price (binary insertion), so a read clusters without re-sorting. */
  readonly #byPrice: SwingPoint[] = [];
  #close = Number.NaN;
  #cached: SupportResistanceValue | undefined;
  #dirty = false;
  #nearest: NearestLevels | undefined;
  #nearestDirty = false;

  constructor({
    swingLookback = DEFAULT_SWING_LOOKBACK,
    maxSwings = DEFAULT_MAX_SWINGS,
    toleranceAtr = DEFAULT_LEVEL_TOLERANCE_ATR,
    atrPeriod = DEFAULT_ATR_PERIOD,
    tolerancePct,
  }: SupportResistanceOptions = {}) {
    assertPeriod('SupportResistance', 'maxSwings', maxSwings);
    if (!(toleranceAtr > 0))
      throw new InvalidIndicatorParameterError('SupportResistance', 'toleranceAtr', toleranceAtr);
    if (tolerancePct !== undefined && !(tolerancePct > 0)) {
      throw new InvalidIndicatorParameterError('SupportResistance', 'tolerancePct', tolerancePct);
    }
    this.#swings = new SwingDetector(swingLookback);
    this.#atr = new AverageTrueRange(atrPeriod);
    this.#maxSwings = maxSwings;
    this.#toleranceAtr = toleranceAtr;
    this.#tolerancePct = tolerancePct;
  }

  update(bar: OhlcvBar): SupportResistanceValue | undefined {
    this.push(bar);
    return this.getResult();
  }

  /** Feeds a bar without building the levels; they are built on the next `getResult`. */
  push(bar: OhlcvBar): void {
    this.#atr.update(bar);
    this.#swings.update(bar);
    if (this.#swings.newHigh) this.#remember(this.#swings.newHigh);
    if (this.#swings.newLow) this.#remember(this.#swings.newLow);
    this.#close = bar.close;
    this.#dirty = true;
    this.#nearestDirty = true;
  }

  /**
   * nearestSupport / nearestResistance of getResult() (same clusters, same arithmetic, so the same numbers) in one
   * pass that builds no level objects: what a per-bar snapshot reads. Undefined exactly when getResult() is.
   */
  nearestLevels(): NearestLevels | undefined {
    if (this.#nearestDirty) {
      this.#nearest = this.#dirty ? this.#buildNearest() : nearestOf(this.#cached);
      this.#nearestDirty = false;
    }
    return this.#nearest;
  }

  getResult(): SupportResistanceValue | undefined {
    if (this.#dirty) {
      this.#cached = this.#build();
      this.#dirty = false;
    }
    return this.#cached;
  }

  get isStable(): boolean {
    return this.getResult() !== undefined;
  }

  #remember(swing: SwingPoint): void {
    this.#recent.push(swing);
    // After the equal prices already there: the order a stable sort of #recent by price would give.
    const byPrice = this.#byPrice;
    let lo = 0;
    let hi = byPrice.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((byPrice[mid] as SwingPoint).price <= swing.price) lo = mid + 1;
      else hi = mid;
    }
    byPrice.splice(lo, 0, swing);
    if (this.#recent.length > this.#maxSwings) {
      const evicted = this.#recent.shift() as SwingPoint;
      byPrice.splice(byPrice.indexOf(evicted), 1);
    }
  }

  #tolerance(): number | undefined {
    const atr = this.#atr.getResult();
    return this.#tolerancePct !== undefined
      ? this.#tolerancePct * this.#close
      : atr === undefined
        ? undefined
        : this.#toleranceAtr * atr;
  }

  /** clusterSortedSwings' walk, keeping only the last level below the close and the first above it. */
  #buildNearest(): NearestLevels | undefined {
    const tolerance = this.#tolerance();
    if (tolerance === undefined || this.#recent.length === 0) return undefined;
    const close = this.#close;
    let supportPrice: number | undefined;
    let supportTouches: number | undefined;
    let resistancePrice: number | undefined;
    let resistanceTouches: number | undefined;
    let sum = 0;
    let touches = 0;
    const swings = this.#byPrice;
    for (let i = 0; i <= swings.length; i++) {
      const swing = swings[i];
      if (touches > 0 && (swing === undefined || Math.abs(swing.price - sum / touches) > tolerance)) {
        const price = sum / touches;
        if (price < close) {
          supportPrice = price;
          supportTouches = touches;
        } else if (price > close && resistancePrice === undefined) {
          resistancePrice = price;
          resistanceTouches = touches;
        }
        sum = 0;
        touches = 0;
      }
      if (swing === undefined) break;
      sum += swing.price;
      touches++;
    }
    return { supportPrice, supportTouches, resistancePrice, resistanceTouches };
  }

  #build(): SupportResistanceValue | undefined {
    const tolerance = this.#tolerance();
    if (tolerance === undefined || this.#recent.length === 0) return undefined;
    const levels = clusterSortedSwings(this.#byPrice, tolerance);
    let nearestSupport: PriceLevel | undefined;
    let nearestResistance: PriceLevel | undefined;
    for (const level of levels) {
      if (level.price < this.#close) nearestSupport = level;
      else if (level.price > this.#close && nearestResistance === undefined) nearestResistance = level;
    }
    return { levels, nearestSupport, nearestResistance, tolerance };
  }
}

function nearestOf(value: SupportResistanceValue | undefined): NearestLevels | undefined {
  if (value === undefined) return undefined;
  return {
    supportPrice: value.nearestSupport?.price,
    supportTouches: value.nearestSupport?.touches,
    resistancePrice: value.nearestResistance?.price,
    resistanceTouches: value.nearestResistance?.touches,
  };
}

/** Greedy 1-D clustering of swing prices (ascending): a price joins the open cluster while within tolerance of its mean. */
export function clusterSwings(swings: readonly SwingPoint[], tolerance: number): PriceLevel[] {
  return clusterSortedSwings(
    [...swings].sort((a, b) => a.price - b.price),
    tolerance,
  );
}

function clusterSortedSwings(sorted: readonly SwingPoint[], tolerance: number): PriceLevel[] {
  const levels: PriceLevel[] = [];
  let sum = 0;
  let touches = 0;
  let lastTouchIndex = -1;
  for (const swing of sorted) {
    if (touches > 0 && Math.abs(swing.price - sum / touches) > tolerance) {
      levels.push({ price: sum / touches, touches, lastTouchIndex });
      sum = 0;
      touches = 0;
      lastTouchIndex = -1;
    }
    sum += swing.price;
    touches++;
    lastTouchIndex = Math.max(lastTouchIndex, swing.barIndex);
  }
  if (touches > 0) levels.push({ price: sum / touches, touches, lastTouchIndex });
  return levels;
}

/** Support/resistance after each bar, aligned with `bars`; undefined until a swing and the tolerance are known. */
export function computeSupportResistance(
  bars: readonly OhlcvBar[],
  options: SupportResistanceOptions = {},
): (SupportResistanceValue | undefined)[] {
  const sr = new SupportResistance(options);
  return bars.map((bar) => sr.update(bar));
}
