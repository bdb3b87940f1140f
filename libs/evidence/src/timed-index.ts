/** Anything with a point-in-time stamp. */
export interface Timed {
  readonly availableAt: string;
}

/** What a point-in-time question needs of one symbol's items, whether they are all in memory or read on demand. */
export interface TimeWindowed<T extends Timed> {
  readonly size: number;
  /** Items with fromMs < availableAt <= asOfMs, oldest first. */
  between(fromMs: number, asOfMs: number): T[];
  /** Like `between`, each item with its time in epoch ms (for merging several indexes without re-parsing). */
  timedBetween(fromMs: number, asOfMs: number, into: { t: number; item: T }[]): void;
}

/**
 * Items sorted by `availableAt` with their epoch-ms times in a typed array, so "everything available in
 * (from, asOf]" is two binary searches and one slice: the hot path of a backtest asking at every bar.
 */
export class TimedIndex<T extends Timed> implements TimeWindowed<T> {
  readonly items: readonly T[];
  readonly #times: Float64Array;

  /** `sortedTimes`: the items are already in time order and these are their times (epoch ms); nothing is re-sorted. */
  constructor(items: Iterable<T>, sortedTimes?: Float64Array) {
    if (sortedTimes !== undefined) {
      // Callers hand over a fresh array: kept as it is, not copied again.
      this.items = Array.isArray(items) ? (items as T[]) : [...items];
      if (sortedTimes.length !== this.items.length) throw new RangeError('one time per item');
      this.#times = sortedTimes;
      return;
    }
    const withTimes = [...items].map((item) => ({ item, t: Date.parse(item.availableAt) }));
    withTimes.sort((a, b) => a.t - b.t);
    this.items = withTimes.map((x) => x.item);
    this.#times = Float64Array.from(withTimes, (x) => x.t);
  }

  get size(): number {
    return this.items.length;
  }

  /** Items with fromMs < availableAt <= asOfMs, oldest first. */
  between(fromMs: number, asOfMs: number): T[] {
    return this.items.slice(this.#upperBound(fromMs), this.#upperBound(asOfMs));
  }

  /** Like `between`, each item with its time in epoch ms (for merging several indexes without re-parsing). */
  timedBetween(fromMs: number, asOfMs: number, into: { t: number; item: T }[]): void {
    const end = this.#upperBound(asOfMs);
    for (let i = this.#upperBound(fromMs); i < end; i += 1) {
      into.push({ t: this.#times[i] as number, item: this.items[i] as T });
    }
  }

  /** The latest item with availableAt <= asOfMs, if any. */
  latestAt(asOfMs: number): T | undefined {
    const end = this.#upperBound(asOfMs);
    return end > 0 ? this.items[end - 1] : undefined;
  }

  /** Index of the first item whose time is > t. */
  #upperBound(t: number): number {
    return upperBound(this.#times, t, 0, this.#times.length);
  }
}

/** The first position in [lo, hi) of ascending `times` whose time is > t (hi when none is). */
export function upperBound(times: Float64Array, t: number, lo: number, hi: number): number {
  let low = lo;
  let high = hi;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((times[mid] as number) <= t) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * One index per symbol; an item about several symbols is indexed under each. Each symbol's index is made the first
 * time it is asked for (`windows`), so a question about five symbols never reads the other thirty.
 */
export class SymbolTimedIndex<T extends Timed> {
  readonly #make: ReadonlyMap<string, () => TimeWindowed<T>>;
  readonly #made = new Map<string, TimeWindowed<T>>();
  static readonly #empty = new TimedIndex<never>([]);

  constructor(windows: ReadonlyMap<string, () => TimeWindowed<T>>) {
    this.#make = windows;
  }

  /** The symbols with at least one item. */
  symbols(): string[] {
    return [...this.#make.keys()].filter((symbol) => this.forSymbol(symbol).size > 0).sort();
  }

  forSymbol(symbol: string): TimeWindowed<T> {
    let window = this.#made.get(symbol);
    if (window === undefined) {
      const make = this.#make.get(symbol);
      if (make === undefined) return SymbolTimedIndex.#empty as TimedIndex<T>;
      window = make();
      this.#made.set(symbol, window);
    }
    return window;
  }

  /**
   * Items about any of `symbols` with fromMs < availableAt <= asOfMs, oldest first; an item about two of the
   * symbols (a tweet tagging AAPL and GOOGL) appears once.
   */
  between(symbols: readonly string[], fromMs: number, asOfMs: number, idOf: (item: T) => string): T[] {
    if (symbols.length === 1) return this.forSymbol(symbols[0] as string).between(fromMs, asOfMs);
    const timed: { t: number; item: T }[] = [];
    for (const symbol of symbols) this.forSymbol(symbol).timedBetween(fromMs, asOfMs, timed);
    timed.sort((a, b) => a.t - b.t);
    const seen = new Set<string>();
    const merged: T[] = [];
    for (const { item } of timed) {
      const id = idOf(item);
      if (seen.has(id)) continue;
      seen.add(id);
      merged.push(item);
    }
    return merged;
  }
}

/** Oldest first; ties keep their order (Array.prototype.sort is stable). */
export function sortByAvailableAt<T extends Timed>(items: T[]): T[] {
  return items.sort((a, b) => Date.parse(a.availableAt) - Date.parse(b.availableAt));
}
