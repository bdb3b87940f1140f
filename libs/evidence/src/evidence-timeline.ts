import type {
  DatedNewsItem,
  EvidenceKind,
  EvidenceRequest,
  EvidenceSnapshot,
  InsiderTransaction,
  InstitutionalHolding,
  MarketMoodReading,
  SocialPost,
  SourceStatus,
} from '@ats/contracts';
import type { EvidenceSource } from './evidence-source';
import { MOOD_MAX_AGE_DAYS, type WindowDays, windowDaysOf } from './evidence-windows';
import {
  type EvidenceCollection,
  type IndexableEvidence,
  insiderSymbols,
  institutionalSymbols,
  type LocalEvidenceOptions,
  loadLocalEvidenceSections,
  newsSymbols,
  type SectionedCollection,
  socialSymbols,
} from './local/local-evidence';
import { sectionsOf, seriesWindow } from './symbol-sections';
import { SymbolTimedIndex, type Timed, TimedIndex, type TimeWindowed } from './timed-index';

const DAY_MS = 86_400_000;

/** A symbol-keyed kind: an index when the source has data, else why not. */
type Indexed<T extends Timed> =
  | { readonly source: string; readonly index: SymbolTimedIndex<T>; readonly coverage: Coverage }
  | { readonly source: string; readonly unavailable: string };

/** First and last `availableAt` (epoch ms) per symbol in the whole source, before any range filter. */
type Coverage = ReadonlyMap<string, { readonly first: number; readonly last: number }>;

export interface TimelineRange {
  /** First decision time the timeline will be asked about; items that only older windows need are dropped. */
  readonly from?: string;
  /** Last decision time; later items are dropped. */
  readonly to?: string;
  /** Keep only items about these symbols (mood is market-wide and always kept). */
  readonly symbols?: readonly string[];
}

export interface TimelineLoadOptions extends TimelineRange, LocalEvidenceOptions {
  /** The largest look-back the timeline will be asked for (default: the default windows). */
  readonly windowDays?: Partial<WindowDays>;
}

/**
 * Every piece of evidence of a date range, preloaded and indexed per symbol by `availableAt`, for backtests:
 * `at(asOf, symbols)` is synchronous, a few binary searches per symbol and kind, and returns exactly what a
 * decision at `asOf` may see. Each list covers the kind's look-back window, oldest first.
 */
export class EvidenceTimeline implements EvidenceSource {
  readonly #news: Indexed<DatedNewsItem>;
  readonly #social: Indexed<SocialPost>;
  readonly #insider: Indexed<InsiderTransaction>;
  readonly #institutional: Indexed<InstitutionalHolding>;
  readonly #mood:
    | { source: string; index: TimedIndex<MarketMoodReading> }
    | { source: string; unavailable: string };

  constructor(
    evidence: IndexableEvidence,
    range: TimelineRange & { readonly windowDays?: Partial<WindowDays> } = {},
  ) {
    const windows = windowDaysOf({ windowDays: range.windowDays ?? {} });
    this.#news = indexed(evidence.news, rangeBounds(range, windows.news), newsSymbols);
    this.#social = indexed(evidence.social, rangeBounds(range, windows.social), socialSymbols);
    this.#insider = indexed(evidence.insider, rangeBounds(range, windows.insider), insiderSymbols);
    this.#institutional = indexed(
      evidence.institutional,
      rangeBounds(range, windows.institutional),
      institutionalSymbols,
    );
    const mood = evidence.mood;
    // Market-wide: only the time bounds apply.
    const { afterMs, upToMs } = rangeBounds(range, MOOD_MAX_AGE_DAYS);
    const keepMood = (r: MarketMoodReading) => {
      const t = Date.parse(r.availableAt);
      return !(t <= afterMs || t > upToMs);
    };
    this.#mood =
      'items' in mood ? { source: mood.source, index: new TimedIndex(mood.items.filter(keepMood)) } : mood;
  }

  /**
   * Loads the data folder's evidence files (once per process) and indexes the range asked for. A compiled build with
   * a parsed-copy folder reads each symbol's items only when a question first reaches them (loadLocalEvidenceSections).
   */
  static async load(
    dataDir: string | undefined,
    options: TimelineLoadOptions = {},
  ): Promise<EvidenceTimeline> {
    return new EvidenceTimeline(await loadLocalEvidenceSections(dataDir, options), options);
  }

  /** How many items per kind the timeline holds (an item about two symbols counts twice). */
  counts(): Record<Exclude<EvidenceKind, 'mood'>, Record<string, number>> & { mood: number } {
    const perSymbol = <T extends Timed>(kind: Indexed<T>) =>
      'index' in kind
        ? Object.fromEntries(kind.index.symbols().map((s) => [s, kind.index.forSymbol(s).size]))
        : {};
    return {
      news: perSymbol(this.#news),
      social: perSymbol(this.#social),
      insider: perSymbol(this.#insider),
      institutional: perSymbol(this.#institutional),
      mood: 'index' in this.#mood ? this.#mood.index.size : 0,
    };
  }

  /** The same snapshot through the asynchronous port every evidence source shares. */
  async evidenceAt(request: EvidenceRequest): Promise<EvidenceSnapshot> {
    return this.at(request.asOf, request.symbols, request.windowDays);
  }

  /** Everything about `symbols` available at `asOf` (an ISO instant or epoch ms), nothing later. */
  at(asOf: string | number, symbols: readonly string[], windowDays?: Partial<WindowDays>): EvidenceSnapshot {
    const asOfMs = typeof asOf === 'number' ? asOf : Date.parse(asOf);
    if (!Number.isFinite(asOfMs)) throw new RangeError(`asOf is not a time: ${String(asOf)}`);
    const windows = windowDaysOf({ windowDays: windowDays ?? {} });
    const sources: SourceStatus[] = [];
    const news = this.#window('news', this.#news, symbols, asOfMs, windows.news, sources, (n) => n.id);
    const social = this.#window(
      'social',
      this.#social,
      symbols,
      asOfMs,
      windows.social,
      sources,
      (p) => p.id,
    );
    const mood = this.#moodAt(asOfMs, sources);
    const insider = this.#window(
      'insider',
      this.#insider,
      symbols,
      asOfMs,
      windows.insider,
      sources,
      (t) => t.id,
    );
    const institutional = this.#window(
      'institutional',
      this.#institutional,
      symbols,
      asOfMs,
      windows.institutional,
      sources,
      (h) => h.id,
    );
    return {
      asOf: new Date(asOfMs).toISOString(),
      symbols: [...symbols],
      news,
      social,
      mood,
      insider,
      institutional,
      sources,
    };
  }

  #window<T extends Timed>(
    kind: EvidenceKind,
    collection: Indexed<T>,
    symbols: readonly string[],
    asOfMs: number,
    days: number,
    sources: SourceStatus[],
    idOf: (item: T) => string,
  ): T[] {
    if ('unavailable' in collection) {
      sources.push({
        kind,
        source: collection.source,
        status: 'unavailable',
        reason: collection.unavailable,
      });
      return [];
    }
    const fromMs = asOfMs - days * DAY_MS;
    const items = collection.index.between(symbols, fromMs, asOfMs, idOf);
    sources.push(
      coverageStatus(kind, collection.source, collection.coverage, symbols, fromMs, asOfMs, items.length),
    );
    return items;
  }

  #moodAt(asOfMs: number, sources: SourceStatus[]): MarketMoodReading | null {
    const mood = this.#mood;
    if ('unavailable' in mood) {
      sources.push({ kind: 'mood', source: mood.source, status: 'unavailable', reason: mood.unavailable });
      return null;
    }
    const latest = mood.index.latestAt(asOfMs);
    if (latest && asOfMs - Date.parse(latest.availableAt) <= MOOD_MAX_AGE_DAYS * DAY_MS) {
      sources.push({ kind: 'mood', source: mood.source, status: 'ok' });
      return latest;
    }
    sources.push({
      kind: 'mood',
      source: mood.source,
      status: 'unavailable',
      reason: `no reading in the ${MOOD_MAX_AGE_DAYS} days before ${new Date(asOfMs).toISOString()}${coverageNote(mood.index)}`,
    });
    return null;
  }
}

/**
 * `ok` when the window found items or the source covers a symbol around `asOf` (a quiet week); otherwise
 * `unavailable` with the source's coverage, so a reader can tell "no news" from "no data".
 */
function coverageStatus(
  kind: EvidenceKind,
  source: string,
  coverage: Coverage,
  symbols: readonly string[],
  fromMs: number,
  asOfMs: number,
  found: number,
): SourceStatus {
  if (found > 0) return { kind, source, status: 'ok' };
  const covered = symbols.some((symbol) => {
    const span = coverage.get(symbol);
    return span !== undefined && span.first <= asOfMs && span.last > fromMs;
  });
  if (covered) return { kind, source, status: 'ok' };
  const held = symbols.filter((symbol) => coverage.has(symbol));
  const reason =
    held.length === 0
      ? `no ${kind} items for ${symbols.join(', ')}`
      : `${held.map((s) => `${s} covered ${day(coverage.get(s)?.first)}..${day(coverage.get(s)?.last)}`).join('; ')}: nothing in the window before ${new Date(asOfMs).toISOString()}`;
  return { kind, source, status: 'unavailable', reason };
}

function day(ms: number | undefined): string {
  return ms === undefined ? '?' : new Date(ms).toISOString().slice(0, 10);
}

function coverageNote<T extends Timed>(index: TimedIndex<T>): string {
  if (index.size === 0) return '';
  const first = (index.items[0] as T).availableAt.slice(0, 10);
  const last = (index.items[index.size - 1] as T).availableAt.slice(0, 10);
  return ` (covers ${first}..${last})`;
}

/** What a range keeps of a kind: items with afterMs < availableAt <= upToMs, about one of `wanted` when set. */
interface RangeBounds {
  readonly afterMs: number;
  readonly upToMs: number;
  readonly wanted: ReadonlySet<string> | undefined;
}

/**
 * A kind's index per symbol (each made when first asked for) and its coverage. Items already grouped by symbol are
 * used as they are, so a symbol nobody asks about is never read.
 */
function indexed<T extends Timed>(
  collection: EvidenceCollection<T> | SectionedCollection<T>,
  bounds: RangeBounds,
  symbolsOf: (item: T) => readonly string[],
): Indexed<T> {
  if ('unavailable' in collection) return collection;
  const sections = 'sections' in collection ? collection.sections : sectionsOf(collection.items, symbolsOf);
  const { afterMs, upToMs, wanted } = bounds;
  // Kept when about a wanted symbol: under an unwanted symbol's key, only items that also name a wanted one.
  const aboutWanted =
    wanted === undefined ? undefined : (item: T) => symbolsOf(item).some((s) => wanted.has(s));
  const coverage = new Map<string, { first: number; last: number }>();
  const windows = new Map<string, () => TimeWindowed<T>>();
  for (const [symbol, series] of sections.bySymbol) {
    const n = series.times.length;
    if (n === 0) continue;
    coverage.set(symbol, { first: series.times[0] as number, last: series.times[n - 1] as number });
    const keep = wanted === undefined || wanted.has(symbol) ? undefined : aboutWanted;
    windows.set(symbol, () => seriesWindow(series, sections.chunkItems, afterMs, upToMs, keep));
  }
  return { source: collection.source, index: new SymbolTimedIndex(windows), coverage };
}

/** The bounds of what a decision in [from, to] with a look-back of `days` could see (an unparsable end is open). */
function rangeBounds(range: TimelineRange, days: number): RangeBounds {
  const fromMs = range.from === undefined ? Number.NEGATIVE_INFINITY : Date.parse(range.from);
  const toMs = range.to === undefined ? Number.POSITIVE_INFINITY : Date.parse(range.to);
  const afterMs = fromMs - days * DAY_MS;
  return {
    afterMs: Number.isNaN(afterMs) ? Number.NEGATIVE_INFINITY : afterMs,
    upToMs: Number.isNaN(toMs) ? Number.POSITIVE_INFINITY : toMs,
    wanted: range.symbols === undefined ? undefined : new Set(range.symbols),
  };
}
