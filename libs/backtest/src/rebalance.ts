import type { RebalanceFrequency } from './config';

const MS_PER_DAY = 86_400_000;
/** 1970-01-01 was a Thursday; shifting by 3 days makes weeks start on Monday (ISO 8601). */
const EPOCH_TO_MONDAY_DAYS = 3;

/** Period key of a timestamp: same key = same rebalance period. */
export function periodKey(ts: string, frequency: RebalanceFrequency): number {
  const ms = Date.parse(ts);
  switch (frequency) {
    case 'daily':
      return Math.floor(ms / MS_PER_DAY);
    case 'weekly':
      return Math.floor((Math.floor(ms / MS_PER_DAY) + EPOCH_TO_MONDAY_DAYS) / 7);
    case 'monthly': {
      const d = new Date(ms);
      return d.getUTCFullYear() * 12 + d.getUTCMonth();
    }
  }
}

/**
 * Tracks rebalance times: a step is one when it opens a new period (first trading day of the day/week/month),
 * which needs no knowledge of later dates.
 */
export class RebalanceSchedule {
  #lastKey = Number.NaN;
  constructor(readonly frequency: RebalanceFrequency) {}

  isRebalanceTime(ts: string): boolean {
    const key = periodKey(ts, this.frequency);
    if (key === this.#lastKey) return false;
    this.#lastKey = key;
    return true;
  }
}

const periodKeysByTimeline = new WeakMap<readonly string[], Map<RebalanceFrequency, Float64Array>>();

/**
 * periodKey of every step of a timeline, computed once per timeline and frequency: runs over one feed (sweeps,
 * attribution variants) share them. A step is a rebalance time when its key differs from the previous trading
 * step's, as RebalanceSchedule decides.
 */
export function periodKeys(timestamps: readonly string[], frequency: RebalanceFrequency): Float64Array {
  let byFrequency = periodKeysByTimeline.get(timestamps);
  if (byFrequency === undefined) {
    byFrequency = new Map();
    periodKeysByTimeline.set(timestamps, byFrequency);
  }
  let keys = byFrequency.get(frequency);
  if (keys === undefined) {
    keys = new Float64Array(timestamps.length);
    for (let i = 0; i < timestamps.length; i++) keys[i] = periodKey(timestamps[i] as string, frequency);
    byFrequency.set(frequency, keys);
  }
  return keys;
}
