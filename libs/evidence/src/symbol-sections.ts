import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import { type Timed, TimedIndex, type TimeWindowed, upperBound } from './timed-index';

/**
 * Items per chunk. A backtest asks about a few symbols over a few years: chunks this size turn into objects little
 * more than the items its windows reach (at most one chunk it does not need at each end of its range).
 */
export const SECTION_CHUNK_ITEMS = 128;

/** One symbol's items, oldest first (equal times in the order the file gave them), with their times in epoch ms. */
export interface SymbolSeries<T> {
  readonly times: Float64Array;
  /** The items at positions [c × chunkItems, (c + 1) × chunkItems); every call returns the same objects. */
  chunk(c: number): readonly T[];
  /** Every item, when all are in memory already (sectionsOf): windows then slice this array. */
  readonly items?: readonly T[];
}

/** A kind's items grouped by symbol; an item about two symbols is in both groups. */
export interface SymbolSections<T> {
  readonly chunkItems: number;
  readonly bySymbol: ReadonlyMap<string, SymbolSeries<T>>;
}

/** Groups `items` by `symbolsOf` and sorts each group by `availableAt` (a stable sort), in memory. */
export function sectionsOf<T extends Timed>(
  items: readonly T[],
  symbolsOf: (item: T) => readonly string[],
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
    const sorted = group.map((x) => x.item);
    bySymbol.set(symbol, {
      times: Float64Array.from(group, (x) => x.t),
      items: sorted,
      // Slices of the same objects: every call gives the same items.
      chunk: (c) =>
        c * chunkItems < sorted.length ? sorted.slice(c * chunkItems, (c + 1) * chunkItems) : noChunk(c),
    });
  }
  return { chunkItems, bySymbol };
}

/** First bytes of a sections file: a tag, then the header's length (u32 little-endian). */
const MAGIC = 'ATSS';

/** Where each symbol's chunks are in a sections file: its times, and its chunks' end offsets in its byte range. */
interface SeriesEntry {
  readonly symbol: string;
  readonly times: Float64Array;
  readonly start: number;
  readonly chunkEnds: readonly number[];
}

/**
 * The bytes of a sections file: a header (every symbol's times and where its chunks are) and then each symbol's
 * chunks, each chunk's items in v8 serialisation. openSections reads the header and, later, only the symbols asked for.
 */
export function encodeSections<T>(sections: SymbolSections<T>): Buffer {
  const entries: SeriesEntry[] = [];
  const body: Buffer[] = [];
  let offset = 0;
  for (const [symbol, series] of sections.bySymbol) {
    const start = offset;
    const chunkEnds: number[] = [];
    const chunkCount = Math.ceil(series.times.length / sections.chunkItems);
    for (let c = 0; c < chunkCount; c += 1) {
      const bytes = serialize(series.chunk(c));
      body.push(bytes);
      offset += bytes.length;
      chunkEnds.push(offset - start);
    }
    entries.push({ symbol, times: series.times, start, chunkEnds });
  }
  const header = serialize({ chunkItems: sections.chunkItems, entries });
  const lead = Buffer.alloc(8);
  lead.write(MAGIC, 0, 'latin1');
  lead.writeUInt32LE(header.length, 4);
  return Buffer.concat([lead, header, ...body]);
}

/**
 * The sections of a file encodeSections wrote. The header is read now; a symbol's bytes the first time one of its
 * chunks is asked for, and each chunk turns into objects when first asked for. The file stays open for the life of
 * the process, so a copy that another process replaces or removes meanwhile is still read whole and as written. A file
 * whose size is not the one its header describes is refused at once (loadThroughDiskCache then parses the data file).
 */
export function openSections<T>(path: string): SymbolSections<T> {
  const fd = openSync(path, 'r');
  let header: { chunkItems: number; entries: SeriesEntry[] };
  let headerLength: number;
  try {
    const lead = readAt(fd, 0, 8);
    if (lead.toString('latin1', 0, 4) !== MAGIC) throw new Error(`${path} is not a sections file`);
    headerLength = lead.readUInt32LE(4);
    header = deserialize(readAt(fd, 8, headerLength)) as typeof header;
    // A copy cut short or grown is refused now, while its reader can still parse the data file instead.
    let bodyLength = 0;
    for (const entry of header.entries)
      bodyLength = Math.max(bodyLength, entry.start + (entry.chunkEnds.at(-1) ?? 0));
    const size = fstatSync(fd).size;
    if (size !== 8 + headerLength + bodyLength) {
      throw new Error(
        `${path} holds ${size} bytes, not the ${8 + headerLength + bodyLength} its header describes`,
      );
    }
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  const bodyStart = 8 + headerLength;
  const bySymbol = new Map<string, SymbolSeries<T>>();
  for (const entry of header.entries) {
    let bytes: Buffer | undefined;
    const read: (readonly T[] | undefined)[] = [];
    let unread = entry.chunkEnds.length;
    bySymbol.set(entry.symbol, {
      times: entry.times,
      chunk(c: number): readonly T[] {
        const end = entry.chunkEnds[c];
        if (end === undefined) return noChunk(c);
        let items = read[c];
        if (items === undefined) {
          bytes ??= readAt(fd, bodyStart + entry.start, entry.chunkEnds.at(-1) ?? 0);
          items = deserialize(bytes.subarray(entry.chunkEnds[c - 1] ?? 0, end)) as T[];
          read[c] = items;
          unread -= 1;
          // Every chunk is objects now: a long-running process need not hold the bytes as well.
          if (unread === 0) bytes = undefined;
        }
        return items;
      },
    });
  }
  return { chunkItems: header.chunkItems, bySymbol };
}

/** Exactly `length` bytes of `fd` from `position`; a shorter file is an error, not a short answer. */
function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buffer, done, length - done, position + done);
    if (n === 0) throw new Error(`sections file ends at ${position + done} of ${position + length} bytes`);
    done += n;
  }
  return buffer;
}

function noChunk(c: number): never {
  throw new RangeError(`no chunk ${c}`);
}

/** The items at positions [from, to) of `series`, turning into objects only the chunks they are in. */
function itemsAt<T>(series: SymbolSeries<T>, chunkItems: number, from: number, to: number, into: T[]): void {
  let i = from;
  while (i < to) {
    const c = Math.floor(i / chunkItems);
    const chunk = series.chunk(c);
    const base = c * chunkItems;
    const end = Math.min(to, base + chunk.length);
    if (end <= i) throw new RangeError(`chunk ${c} ends before position ${i}`);
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
    const [from, to] = this.#positions(fromMs, asOfMs);
    const c = Math.floor(from / this.#chunkItems);
    const base = c * this.#chunkItems;
    // A window inside one chunk (most of them: a week of news) is one slice.
    if (to <= base + this.#chunkItems)
      return to > from ? this.#series.chunk(c).slice(from - base, to - base) : [];
    const out: T[] = [];
    itemsAt(this.#series, this.#chunkItems, from, to, out);
    return out;
  }

  timedBetween(fromMs: number, asOfMs: number, into: { t: number; item: T }[]): void {
    const [from, to] = this.#positions(fromMs, asOfMs);
    if (to <= from) return;
    const items: T[] = [];
    itemsAt(this.#series, this.#chunkItems, from, to, items);
    const { times } = this.#series;
    for (let i = from; i < to; i += 1) into.push({ t: times[i] as number, item: items[i - from] as T });
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
  if (keep === undefined && series.items !== undefined) {
    return new TimedIndex(series.items.slice(lo, hi), series.times.subarray(lo, hi));
  }
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
