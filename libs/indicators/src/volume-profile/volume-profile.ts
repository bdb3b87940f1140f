import type { OhlcvBar } from '../bar';
import { assertPeriod, InvalidIndicatorParameterError, type StreamingIndicator } from '../streaming';

export const DEFAULT_VOLUME_PROFILE_WINDOW = 50;
export const DEFAULT_VOLUME_PROFILE_BUCKETS = 24;
/** Market-profile convention: the value area holds 70% of the traded volume. */
export const DEFAULT_VALUE_AREA_FRACTION = 0.7;

export interface VolumeProfileOptions {
  /** Bars in the rolling window. */
  readonly window?: number;
  /** Equal-width price buckets between the window's lowest low and highest high. */
  readonly buckets?: number;
  readonly valueAreaFraction?: number;
}

export interface PriceBucket {
  readonly low: number;
  readonly high: number;
  readonly volume: number;
}

export interface VolumeProfileSummary {
  /** Mid price of the bucket with the most volume (lowest such bucket on a tie). */
  readonly pointOfControl: number;
  /** Upper edge of the value area. */
  readonly valueAreaHigh: number;
  /** Lower edge of the value area. */
  readonly valueAreaLow: number;
  readonly totalVolume: number;
}

export interface VolumeProfileValue extends VolumeProfileSummary {
  readonly buckets: readonly PriceBucket[];
}

/**
 * Volume profile over the last n bars: each bar's volume is spread uniformly over its high–low range into equal price
 * buckets (a bar with high = low drops it all in one bucket). Point of control = fullest bucket; value area = grown
 * from it one bucket at a time toward the fuller neighbour until it holds 70% of the volume (CBOT market profile).
 * Computed on read from the window (O(window × buckets)), cached until the next bar; `getSummary` skips the bucket list.
 */
export class VolumeProfile implements StreamingIndicator<OhlcvBar, VolumeProfileValue> {
  readonly window: number;
  readonly bucketCount: number;
  readonly valueAreaFraction: number;
  readonly #highs: Float64Array;
  readonly #lows: Float64Array;
  readonly #volumes: Float64Array;
  readonly #bucketVolumes: Float64Array;
  #count = 0;
  #next = 0;
  #min = 0;
  #max = 0;
  #width = 0;
  #bucketsUsed = 0;
  #summary: VolumeProfileSummary | undefined;
  #cached: VolumeProfileValue | undefined;

  constructor({
    window = DEFAULT_VOLUME_PROFILE_WINDOW,
    buckets = DEFAULT_VOLUME_PROFILE_BUCKETS,
    valueAreaFraction = DEFAULT_VALUE_AREA_FRACTION,
  }: VolumeProfileOptions = {}) {
    assertPeriod('VolumeProfile', 'window', window);
    assertPeriod('VolumeProfile', 'buckets', buckets);
    if (!(valueAreaFraction > 0 && valueAreaFraction <= 1)) {
      throw new InvalidIndicatorParameterError('VolumeProfile', 'valueAreaFraction', valueAreaFraction);
    }
    this.window = window;
    this.bucketCount = buckets;
    this.valueAreaFraction = valueAreaFraction;
    this.#highs = new Float64Array(window);
    this.#lows = new Float64Array(window);
    this.#volumes = new Float64Array(window);
    this.#bucketVolumes = new Float64Array(buckets);
  }

  update(bar: OhlcvBar): VolumeProfileValue | undefined {
    this.push(bar);
    return this.getResult();
  }

  /** Adds a bar to the window without building the profile; it is built on the next read. */
  push(bar: OhlcvBar): void {
    this.#highs[this.#next] = bar.high;
    this.#lows[this.#next] = bar.low;
    this.#volumes[this.#next] = bar.volume;
    this.#next = (this.#next + 1) % this.window;
    if (this.#count < this.window) this.#count++;
    this.#summary = undefined;
    this.#cached = undefined;
  }

  /** Point of control, value area and total volume without the bucket list (what a snapshot needs, cheaper). */
  getSummary(): VolumeProfileSummary | undefined {
    if (!this.isStable) return undefined;
    this.#summary ??= this.#compute();
    return this.#summary;
  }

  getResult(): VolumeProfileValue | undefined {
    const summary = this.getSummary();
    if (summary === undefined) return undefined;
    if (this.#cached === undefined) {
      const buckets: PriceBucket[] = [];
      const count = this.#bucketsUsed;
      for (let b = 0; b < count; b++) {
        buckets.push({
          low: this.#min + b * this.#width,
          high: b === count - 1 ? this.#max : this.#min + (b + 1) * this.#width,
          volume: this.#bucketVolumes[b] as number,
        });
      }
      this.#cached = { ...summary, buckets };
    }
    return this.#cached;
  }

  get isStable(): boolean {
    return this.#count === this.window;
  }

  /** Fills the bucket volumes of the current (full) window and derives POC and value area. */
  #compute(): VolumeProfileSummary {
    const n = this.#count;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      if ((this.#lows[i] as number) < min) min = this.#lows[i] as number;
      if ((this.#highs[i] as number) > max) max = this.#highs[i] as number;
    }
    const bucketCount = max > min ? this.bucketCount : 1;
    const width = max > min ? (max - min) / bucketCount : 0;
    const volumes = this.#bucketVolumes;
    volumes.fill(0);
    let total = 0;
    // Oldest bar first, so the sums (and their rounding) depend only on the window, not on where the ring starts.
    for (let i = 0; i < n; i++) {
      const slot = (this.#next + i) % n;
      const high = this.#highs[slot] as number;
      const low = this.#lows[slot] as number;
      const volume = this.#volumes[slot] as number;
      total += volume;
      const first = width === 0 ? 0 : Math.min(bucketCount - 1, Math.floor((low - min) / width));
      const last = width === 0 ? 0 : Math.min(bucketCount - 1, Math.floor((high - min) / width));
      if (first === last || high === low) {
        volumes[first] = (volumes[first] as number) + volume;
        continue;
      }
      for (let b = first; b <= last; b++) {
        const overlap = Math.min(high, min + (b + 1) * width) - Math.max(low, min + b * width);
        if (overlap > 0) volumes[b] = (volumes[b] as number) + (volume * overlap) / (high - low);
      }
    }

    let poc = 0;
    for (let b = 1; b < bucketCount; b++) if ((volumes[b] as number) > (volumes[poc] as number)) poc = b;
    let lowIndex = poc;
    let highIndex = poc;
    let inArea = volumes[poc] as number;
    const target = total * this.valueAreaFraction;
    while (inArea < target && (lowIndex > 0 || highIndex < bucketCount - 1)) {
      const above = highIndex < bucketCount - 1 ? (volumes[highIndex + 1] as number) : -1;
      const below = lowIndex > 0 ? (volumes[lowIndex - 1] as number) : -1;
      // Ties go up, as most market-profile charting does.
      if (above >= below) inArea += volumes[++highIndex] as number;
      else inArea += volumes[--lowIndex] as number;
    }

    this.#min = min;
    this.#max = max;
    this.#width = width;
    this.#bucketsUsed = bucketCount;
    const bucketLow = (b: number) => min + b * width;
    const bucketHigh = (b: number) => (b === bucketCount - 1 ? max : min + (b + 1) * width);
    return {
      pointOfControl: (bucketLow(poc) + bucketHigh(poc)) / 2,
      valueAreaHigh: bucketHigh(highIndex),
      valueAreaLow: bucketLow(lowIndex),
      totalVolume: total,
    };
  }
}

/** The profile of each bar's trailing window, aligned with `bars`; undefined before the window fills. */
export function computeVolumeProfile(
  bars: readonly OhlcvBar[],
  options: VolumeProfileOptions = {},
): (VolumeProfileValue | undefined)[] {
  const profile = new VolumeProfile(options);
  return bars.map((bar) => profile.update(bar));
}
