/** Anything with a point-in-time stamp. */
export interface Timed {
  readonly availableAt: string;
}

/**
 * Items sorted by `availableAt` with their epoch-ms times in a typed array, so "everything available in
 * (from, asOf]" is two binary searches and one slice: the hot path of a backtest asking at every bar.
 */
export class TimedIndex<T extends Timed> {
  readonly items: readonly T[];
  readonly #times: Float64Array;

  constructor(items: Iterable<T>) {
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
    const times = this.#times;
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((times[mid] as number) <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** One TimedIndex per symbol; an item about several symbols is indexed under each. */
export class SymbolTimedIndex<T extends Timed> {
  readonly #bySymbol = new Map<string, TimedIndex<T>>();
  static readonly #empty = new TimedIndex<never>([]);

  constructor(items: Iterable<T>, symbolsOf: (item: T) => readonly string[]) {
    const groups = new Map<string, T[]>();
    for (const item of items) {
      for (const symbol of symbolsOf(item)) {
        let group = groups.get(symbol);
        if (!group) {
          group = [];
          groups.set(symbol, group);
        }
        group.push(item);
      }
    }
    for (const [symbol, group] of groups) this.#bySymbol.set(symbol, new TimedIndex(group));
  }

  symbols(): string[] {
    return [...this.#bySymbol.keys()].sort();
  }

  forSymbol(symbol: string): TimedIndex<T> {
    return this.#bySymbol.get(symbol) ?? (SymbolTimedIndex.#empty as TimedIndex<T>);
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
