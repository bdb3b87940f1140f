import { deserialize, serialize } from 'node:v8';
import { type Timed, TimedIndex, type TimeWindowed, upperBound } from './timed-index';

/**
 * Items per chunk. A backtest asks about a few symbols over a few years: with chunks this size it reads little more
 * than the items its windows reach (at most one chunk it does not need at each end of its range).
 */
export const SECTION_CHUNK_ITEMS = 128;

/**
 * One symbol's items, oldest first (equal times in the order the file gave them), with their times in epoch ms, in
 * chunks of `chunkItems`: arrays, or (as kept on disk) each chunk's items in v8 serialisation, turned back into
 * objects the first time a question reaches them.
 */
export interface SymbolSeries<T> {
  readonly times: Float64Array;
  readonly chunks: readonly (readonly T[] | Uint8Array)[];
}

/** A kind's items grouped by symbol; an item about two symbols is in both groups. */
export interface SymbolSections<T> {
  readonly chunkItems: number;
  readonly bySymbol: ReadonlyMap<string, SymbolSeries<T>>;
}

/**
 * Groups `items` by `symbolsOf` and sorts each group by `availableAt` (a stable sort). `form: 'bytes'` serialises each
 * chunk, for a copy kept on disk whose chunks are read only where asked; `'arrays'` keeps the objects themselves.
 */
export function sectionsOf<T extends Timed>(
  items: readonly T[],
  symbolsOf: (item: T) => readonly string[],
  form: 'arrays' | 'bytes',
  chunkItems: number = SECTION_CHUNK_ITEMS,
): SymbolSections<T> {
  const groups = new Map<string, { readonly item: T; readonly t: number }[]>();
  for (const item of items) {
    const t = Date.parse(item.availableAt);
    for (const symbol of symbolsOf(item)) {
      let group = groups.get(symbol);
      if (!group) {
        group = [];
        groups.set(symbol, group);
      }
      group.push({ item, t });
    }
  }
  const bySymbol = new Map<string, SymbolSeries<T>>();
  for (const [symbol, group] of groups) {
    group.sort((a, b) => a.t - b.t);
    const chunks: (readonly T[] | Uint8Array)[] = [];
    for (let start = 0; start < group.length; start += chunkItems) {
      const chunk = group.slice(start, start + chunkItems).map((x) => x.item);
      chunks.push(form === 'bytes' ? serialize(chunk) : chunk);
    }
    bySymbol.set(symbol, { times: Float64Array.from(group, (x) => x.t), chunks });
  }
  return { chunkItems, bySymbol };
}

/**
 * Chunks already turned back into objects, per series: every later question gets the same objects (readings cached
 * per item object stay hits), and a series shared by several timelines of a process is read once.
 */
const readChunks = new WeakMap<SymbolSeries<unknown>, (readonly unknown[] | undefined)[]>();

function chunkAt<T>(series: SymbolSeries<T>, c: number): readonly T[] {
  const chunk = series.chunks[c];
  if (chunk === undefined) throw new RangeError(`no chunk ${c}`);
  if (Array.isArray(chunk)) return chunk as readonly T[];
  let read = readChunks.get(series);
  if (read === undefined) {
    read = [];
    readChunks.set(series, read);
  }
  let items = read[c] as readonly T[] | undefined;
  if (items === undefined) {
    items = deserialize(chunk as Uint8Array) as T[];
    read[c] = items;
  }
  return items;
}

/** The items at positions [from, to) of `series`, reading only the chunks they are in. */
function itemsAt<T>(series: SymbolSeries<T>, chunkItems: number, from: number, to: number, into: T[]): void {
  let i = from;
  while (i < to) {
    const c = Math.floor(i / chunkItems);
    const chunk = chunkAt(series, c);
    const base = c * chunkItems;
    const end = Math.min(to, base + chunk.length);
    for (; i < end; i += 1) into.push(chunk[i - base] as T);
  }
}

/** The part of a series between two positions, answering window questions by binary search on its times. */
class SeriesWindow<T extends Timed> implements TimeWindowed<T> {
  readonly #series: SymbolSeries<T>;
  readonly #chunkItems: number;
  readonly #lo: number;
  readonly #hi: number;

  constructor(series: SymbolSeries<T>, chunkItems: number, lo: number, hi: number) {
    this.#series = series;
    this.#chunkItems = chunkItems;
    this.#lo = lo;
    this.#hi = hi;
  }

  get size(): number {
    return this.#hi - this.#lo;
  }

  between(fromMs: number, asOfMs: number): T[] {
    const out: T[] = [];
    const [from, to] = this.#positions(fromMs, asOfMs);
    itemsAt(this.#series, this.#chunkItems, from, to, out);
    return out;
  }

  timedBetween(fromMs: number, asOfMs: number, into: { t: number; item: T }[]): void {
    const [from, to] = this.#positions(fromMs, asOfMs);
    const items: T[] = [];
    itemsAt(this.#series, this.#chunkItems, from, to, items);
    for (let i = from; i < to; i += 1) {
      into.push({ t: this.#series.times[i] as number, item: items[i - from] as T });
    }
  }

  #positions(fromMs: number, asOfMs: number): [number, number] {
    const { times } = this.#series;
    const from = upperBound(times, fromMs, this.#lo, this.#hi);
    return [from, Math.max(from, upperBound(times, asOfMs, this.#lo, this.#hi))];
  }
}

/**
 * The items of `series` with afterMs < availableAt <= upToMs, and (with `keep`) only those it accepts. Without
 * `keep` nothing is read until a question needs it; with `keep` the range's items are read and tested now.
 */
export function seriesWindow<T extends Timed>(
  series: SymbolSeries<T>,
  chunkItems: number,
  afterMs: number,
  upToMs: number,
  keep?: (item: T) => boolean,
): TimeWindowed<T> {
  const n = series.times.length;
  const lo = upperBound(series.times, afterMs, 0, n);
  const hi = Math.max(lo, upperBound(series.times, upToMs, 0, n));
  if (keep === undefined) return new SeriesWindow(series, chunkItems, lo, hi);
  const items: T[] = [];
  itemsAt(series, chunkItems, lo, hi, items);
  const kept: T[] = [];
  const times: number[] = [];
  for (let i = 0; i < items.length; i += 1) {
    const item = items[i] as T;
    if (!keep(item)) continue;
    kept.push(item);
    times.push(series.times[lo + i] as number);
  }
  return new TimedIndex(kept, Float64Array.from(times));
}
