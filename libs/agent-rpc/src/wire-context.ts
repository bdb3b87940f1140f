import { createHash } from 'node:crypto';
import type { DecisionContext } from '@ats/agents';
import {
  type Bar,
  type BarColumns,
  type HistoryTail,
  type MarketSnapshot,
  type NewsItem,
  NewsItemSchema,
  type WireDecisionContext,
  type WireMarketSnapshot,
} from '@ats/contracts';
import type { Wire } from './agent-kinds';

/** A history that cannot be sent as one symbol's columns (a producer's bug: a snapshot's history is one feed). */
export class MixedHistoryError extends Error {
  override readonly name = 'MixedHistoryError';
}

/**
 * A request named a history by its tail and this replica holds no window it rebuilds from (it has not seen the
 * symbol lately, or what it saw was other data). Answered `not_found`: the caller sends the full columns again.
 */
export class HistoryUnknownError extends Error {
  override readonly name = 'HistoryUnknownError';
  readonly code = 'not_found';
}

/**
 * Bars at the end of a history that a request carries when it sends the tail (ADR 0025). A replica rebuilds the
 * history from a window it kept when it has served the symbol within this many cycles of daily bars: with two
 * replicas taking requests at random, missing 32 in a row is a 1-in-4-billion event; with eight, 1.4%.
 */
export const HISTORY_TAIL_BARS = 32;

/**
 * One symbol's bars as columns (BarColumnsSchema). `symbol` names an empty history; every bar must be of that
 * symbol and of the first bar's timeframe.
 */
export function barsToColumns(symbol: string, bars: readonly Bar[]): BarColumns {
  const n = bars.length;
  const timeframe = bars[0]?.timeframe ?? '1d';
  const ts: string[] = new Array(n);
  const open: number[] = new Array(n);
  const high: number[] = new Array(n);
  const low: number[] = new Array(n);
  const close: number[] = new Array(n);
  const volume: number[] = new Array(n);
  const adjusted: boolean[] = new Array(n);
  const adjClose: (number | null)[] = new Array(n);
  let anyAdjClose = false;
  for (let i = 0; i < n; i++) {
    const bar = bars[i] as Bar;
    if (bar.symbol !== symbol || bar.timeframe !== timeframe)
      throw new MixedHistoryError(
        `history of ${symbol} holds a ${bar.symbol} ${bar.timeframe} bar at ${bar.ts} (expected ${symbol} ${timeframe})`,
      );
    ts[i] = bar.ts;
    open[i] = bar.open;
    high[i] = bar.high;
    low[i] = bar.low;
    close[i] = bar.close;
    volume[i] = bar.volume;
    adjusted[i] = bar.adjusted;
    const adj = bar.adjClose;
    adjClose[i] = adj === undefined ? null : adj;
    if (adj !== undefined) anyAdjClose = true;
  }
  const columns = { symbol, timeframe, ts, open, high, low, close, volume, adjusted };
  return anyAdjClose ? { ...columns, adjClose } : columns;
}

/** The bars back from their columns, each as BarSchema would have parsed it (same keys, same order). */
export function columnsToBars(c: BarColumns): Bar[] {
  const n = c.ts.length;
  const bars: Bar[] = new Array(n);
  const { symbol, timeframe, adjClose } = c;
  for (let i = 0; i < n; i++) {
    const bar: Bar = {
      symbol,
      timeframe,
      ts: c.ts[i] as string,
      open: c.open[i] as number,
      high: c.high[i] as number,
      low: c.low[i] as number,
      close: c.close[i] as number,
      volume: c.volume[i] as number,
      adjusted: c.adjusted[i] as boolean,
    };
    const adj = adjClose?.[i];
    if (adj !== undefined && adj !== null) bar.adjClose = adj;
    bars[i] = bar;
  }
  return bars;
}

/**
 * The sha256 (lowercase hex) of a history as its bars read: symbol, timeframe, times, and per bar open, high, low,
 * close, volume, adjClose (NaN where a bar has none) and adjusted, as little-endian doubles. -0 counts as 0 (JSON
 * carries no -0), so the sender's columns and the columns a replica parsed or rebuilt give the same digest.
 */
export function historyDigest(c: BarColumns): string {
  const n = c.ts.length;
  const FIELDS = 7;
  const numbers = new DataView(new ArrayBuffer(n * FIELDS * 8));
  const { open, high, low, close, volume, adjClose, adjusted } = c;
  for (let i = 0; i < n; i++) {
    const at = i * FIELDS * 8;
    numbers.setFloat64(at, (open[i] as number) + 0, true);
    numbers.setFloat64(at + 8, (high[i] as number) + 0, true);
    numbers.setFloat64(at + 16, (low[i] as number) + 0, true);
    numbers.setFloat64(at + 24, (close[i] as number) + 0, true);
    numbers.setFloat64(at + 32, (volume[i] as number) + 0, true);
    numbers.setFloat64(at + 40, (adjClose?.[i] ?? Number.NaN) + 0, true);
    numbers.setFloat64(at + 48, adjusted[i] ? 1 : 0, true);
  }
  return createHash('sha256')
    .update(`${c.symbol}\n${c.timeframe}\n${n}\n${c.ts.join('\n')}\n`)
    .update(new Uint8Array(numbers.buffer))
    .digest('hex');
}

/** Bars [from, to) of a history's columns; adjClose only where one of them has one (as barsToColumns writes it). */
function sliceColumns(c: BarColumns, from: number, to: number): BarColumns {
  const columns = {
    symbol: c.symbol,
    timeframe: c.timeframe,
    ts: c.ts.slice(from, to),
    open: c.open.slice(from, to),
    high: c.high.slice(from, to),
    low: c.low.slice(from, to),
    close: c.close.slice(from, to),
    volume: c.volume.slice(from, to),
    adjusted: c.adjusted.slice(from, to),
  };
  const adjClose = c.adjClose?.slice(from, to);
  return adjClose?.some((x) => x !== null) ? { ...columns, adjClose } : columns;
}

/** Two runs of one symbol's bars, one after the other, as one set of columns. */
function joinColumns(a: BarColumns, b: BarColumns): BarColumns {
  const columns = {
    symbol: b.symbol,
    timeframe: b.timeframe,
    ts: a.ts.concat(b.ts),
    open: a.open.concat(b.open),
    high: a.high.concat(b.high),
    low: a.low.concat(b.low),
    close: a.close.concat(b.close),
    volume: a.volume.concat(b.volume),
    adjusted: a.adjusted.concat(b.adjusted),
  };
  if (a.adjClose === undefined && b.adjClose === undefined) return columns;
  const nulls = (c: BarColumns) => c.adjClose ?? new Array<null>(c.ts.length).fill(null);
  return { ...columns, adjClose: nulls(a).concat(nulls(b)) };
}

/**
 * What the RPC sends of each history: its columns, and its tail with the digest, made the first time a request sends
 * tails (a context only recorded, as a cycle record keeps it, never needs them).
 */
interface HistoryOnWire {
  readonly length: number;
  readonly lastTs: string | undefined;
  readonly bars: BarColumns;
  tail?: HistoryTail;
}

/** Each history sent, converted once: the four requests of a cycle and its record share one context. */
const wireOfHistory = new WeakMap<readonly Bar[], HistoryOnWire>();

function historyOnWire(symbol: string, history: readonly Bar[]): HistoryOnWire {
  const n = history.length;
  const lastTs = history[n - 1]?.ts;
  const known = wireOfHistory.get(history);
  // Made from this very array, still of its length and last bar (histories are readonly; this is a guard).
  if (known !== undefined && known.length === n && known.lastTs === lastTs) return known;
  const made: HistoryOnWire = { length: n, lastTs, bars: barsToColumns(symbol, history) };
  wireOfHistory.set(history, made);
  return made;
}

/** The history's tail and digest, or undefined when it is no longer than the tail (it goes whole). */
function tailOf(wire: HistoryOnWire): HistoryTail | undefined {
  const { length: n, bars } = wire;
  if (n <= HISTORY_TAIL_BARS) return undefined;
  wire.tail ??= {
    tail: sliceColumns(bars, n - HISTORY_TAIL_BARS, n),
    length: n,
    digest: historyDigest(bars),
  };
  return wire.tail;
}

/** Position of each item (the very object) of a news array: a context's news, an evidence snapshot's news. */
const positionsOfNews = new WeakMap<readonly NewsItem[], Map<NewsItem, number>>();

/**
 * Where `news` sit in `among` (a snapshot's news in the context's, the context's in the evidence's), or undefined
 * when one of them is not there (or there are none).
 */
function newsPositions(news: readonly NewsItem[], among: readonly NewsItem[]): number[] | undefined {
  if (news.length === 0) return undefined;
  let positions = positionsOfNews.get(among);
  if (positions === undefined) {
    positions = new Map(among.map((item, at) => [item, at]));
    positionsOfNews.set(among, positions);
  }
  const at: number[] = new Array(news.length);
  for (let k = 0; k < news.length; k++) {
    const position = positions.get(news[k] as NewsItem);
    if (position === undefined || among[position] !== news[k]) return undefined;
    at[k] = position;
  }
  return at;
}

function snapshotToWire(
  snapshot: MarketSnapshot,
  contextNews: readonly NewsItem[],
  tails: boolean,
): WireMarketSnapshot {
  const { history, ...rest } = snapshot;
  const wire = historyOnWire(snapshot.symbol, history);
  const newsAt = newsPositions(snapshot.news, contextNews);
  const news = newsAt === undefined ? rest : { ...rest, news: [], newsAt };
  const tail = tails ? tailOf(wire) : undefined;
  return tail !== undefined ? { ...news, barsTail: tail } : { ...news, bars: wire.bars };
}

export interface ContextToWireOptions {
  /**
   * Send each history longer than HISTORY_TAIL_BARS as its tail and digest (`barsTail`) instead of all its bars:
   * for a replica that has served the symbol lately (it answers `not_found` otherwise). Default false: all bars, as
   * a cycle record keeps them.
   */
  readonly tails?: boolean;
}

/**
 * The context as the agent RPC sends it and a cycle record keeps it (WireDecisionContextSchema): histories as
 * columns (or their tails, see ContextToWireOptions), the context's news as positions in the evidence's news when
 * they are its items (a cycle's news are), each snapshot's news as positions in the context's news when they are its
 * items, without the in-process `historyColumns`. `explain` stays (a record replays with it; the contract drops it
 * from requests).
 */
export function contextToWire(
  ctx: DecisionContext,
  options: ContextToWireOptions = {},
): Wire<WireDecisionContext> {
  const { historyColumns: _inProcessOnly, ...rest } = ctx;
  const tails = options.tails ?? false;
  const wire = {
    ...(rest as Wire<DecisionContext>),
    snapshots: ctx.snapshots.map((snapshot) => snapshotToWire(snapshot, ctx.news, tails)),
  };
  const newsAt = ctx.evidence ? newsPositions(ctx.news, ctx.evidence.news) : undefined;
  return newsAt === undefined ? wire : { ...wire, news: [], newsAt };
}

/**
 * Windows kept per replica: a few per symbol (runs at different dates share replicas), this many in all (a daily
 * window of 260 bars with its Bar objects is ~50 KB, so at most ~50 MB).
 */
const WINDOWS_PER_SYMBOL = 4;
export const MAX_HISTORY_WINDOWS = 1_024;

/** A history a replica keeps: its columns, their digest once known, and its bars once built. */
interface Window {
  readonly columns: BarColumns;
  digest?: string;
  bars?: Bar[];
}

/**
 * The histories an agent replica has seen lately (one per process, shared by the agents it serves), from which it
 * rebuilds a history a request sends as its tail. Least recently used symbols are forgotten first.
 */
export class HistoryWindows {
  /** Per symbol and timeframe, newest window first; the Map's order is the symbols' last use. */
  readonly #windows = new Map<string, Window[]>();
  #count = 0;
  #rebuilt = 0;
  #unknown = 0;

  /** Tails turned back into histories, and tails this replica could not rebuild (answered `not_found`). */
  get stats(): { readonly rebuilt: number; readonly unknown: number } {
    return { rebuilt: this.#rebuilt, unknown: this.#unknown };
  }

  /** Keeps a history the replica received whole; returns its bars. */
  remember(columns: BarColumns): Bar[] {
    return this.#keep({ columns });
  }

  /**
   * The bars of the history a tail ends: a kept history with that digest, or the bars before the tail from a kept
   * window followed by the tail, checked against the digest. Undefined when no kept window gives that history.
   */
  rebuild({ tail, length, digest }: HistoryTail): Bar[] | undefined {
    const windows = this.#windows.get(keyOf(tail)) ?? [];
    // The requests of one cycle name the same history: rebuilt (or received whole) once, then found by its digest.
    for (const window of windows) {
      const { columns } = window;
      if (window.digest === undefined && columns.ts.length === length && columns.ts.at(-1) === tail.ts.at(-1))
        window.digest = historyDigest(columns);
      if (window.digest !== digest) continue;
      this.#rebuilt++;
      return this.#keep(window);
    }
    for (const columns of continuations(windows, tail, length)) {
      if (historyDigest(columns) !== digest) continue;
      this.#rebuilt++;
      return this.#keep({ columns, digest });
    }
    this.#unknown++;
    return undefined;
  }

  /** Makes `window` the newest of its symbol (forgetting the oldest beyond the limits) and returns its bars. */
  #keep(window: Window): Bar[] {
    const key = keyOf(window.columns);
    const windows = this.#windows.get(key) ?? [];
    this.#windows.delete(key);
    const at = windows.indexOf(window);
    if (at >= 0) windows.splice(at, 1);
    else this.#count++;
    windows.unshift(window);
    if (windows.length > WINDOWS_PER_SYMBOL) {
      windows.pop();
      this.#count--;
    }
    this.#windows.set(key, windows);
    for (const [oldest, kept] of this.#windows) {
      if (this.#count <= MAX_HISTORY_WINDOWS) break;
      this.#windows.delete(oldest);
      this.#count -= kept.length;
    }
    window.bars ??= columnsToBars(window.columns);
    return window.bars;
  }
}

const keyOf = (c: BarColumns) => `${c.symbol}\u0000${c.timeframe}`;

/** The histories of `length` bars that end with `tail` and begin with bars of a kept window, newest window first. */
function* continuations(windows: readonly Window[], tail: BarColumns, length: number): Generator<BarColumns> {
  const before = length - tail.ts.length;
  if (before === 0) {
    yield tail;
    return;
  }
  const first = tail.ts[0];
  if (first === undefined) return;
  for (const { columns } of windows) {
    // The kept bars before the tail's first: times are ISO strings in order, so string order is time order.
    let end = columns.ts.length;
    while (end > 0 && (columns.ts[end - 1] as string) >= first) end--;
    if (end >= before) yield joinColumns(sliceColumns(columns, end - before, end), tail);
  }
}

/**
 * The context an agent service hands its local agent: each snapshot's history back as Bar objects. A history sent
 * whole is kept in `windows`; one sent as a tail is rebuilt from them, else HistoryUnknownError.
 */
export function contextFromWire(wire: WireDecisionContext, windows?: HistoryWindows): DecisionContext {
  const { newsAt: contextNewsAt, ...fields } = wire;
  // A NewsItem parse keeps each evidence item's NewsItem fields: what the item itself would have parsed to in `news`.
  const news =
    contextNewsAt === undefined
      ? wire.news
      : contextNewsAt.map((at) => NewsItemSchema.parse(wire.evidence?.news[at]));
  const snapshots = wire.snapshots.map(({ bars, barsTail, newsAt, ...wired }): MarketSnapshot => {
    const rest = newsAt === undefined ? wired : { ...wired, news: newsAt.map((at) => news[at] as NewsItem) };
    if (barsTail === undefined) {
      const columns = bars ?? barsToColumns(rest.symbol, []);
      return { ...rest, history: windows ? windows.remember(columns) : columnsToBars(columns) };
    }
    const history = windows?.rebuild(barsTail);
    if (history === undefined)
      throw new HistoryUnknownError(
        `this replica holds no window of ${barsTail.tail.symbol} ${barsTail.tail.timeframe} that the tail ending ` +
          `${barsTail.tail.ts.at(-1) ?? '(empty)'} continues: send the full bars`,
      );
    return { ...rest, history };
  });
  return { ...fields, news, snapshots };
}
