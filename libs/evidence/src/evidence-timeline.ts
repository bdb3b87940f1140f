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
  type LocalEvidence,
  type LocalEvidenceOptions,
  loadLocalEvidence,
} from './local/local-evidence';
import { SymbolTimedIndex, type Timed, TimedIndex } from './timed-index';

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
    evidence: LocalEvidence,
    range: TimelineRange & { readonly windowDays?: Partial<WindowDays> } = {},
  ) {
    const windows = windowDaysOf({ windowDays: range.windowDays ?? {} });
    const keep = rangeFilter(range);
    this.#news = indexed(evidence.news, keep(windows.news), (n) => n.symbols);
    this.#social = indexed(evidence.social, keep(windows.social), (p) => p.symbols);
    this.#insider = indexed(evidence.insider, keep(windows.insider), (t) => [t.symbol]);
    this.#institutional = indexed(evidence.institutional, keep(windows.institutional), (h) => [h.symbol]);
    const mood = evidence.mood;
    const keepMood = rangeFilter({ ...range, symbols: undefined })(MOOD_MAX_AGE_DAYS);
    this.#mood =
      'items' in mood
        ? { source: mood.source, index: new TimedIndex(mood.items.filter((r) => keepMood(r, []))) }
        : mood;
  }

  /** Loads the data folder's evidence files (once per process) and indexes the range asked for. */
  static async load(
    dataDir: string | undefined,
    options: TimelineLoadOptions = {},
  ): Promise<EvidenceTimeline> {
    return new EvidenceTimeline(await loadLocalEvidence(dataDir, options), options);
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

function indexed<T extends Timed>(
  collection: EvidenceCollection<T>,
  keep: (item: T, symbols: readonly string[]) => boolean,
  symbolsOf: (item: T) => readonly string[],
): Indexed<T> {
  if ('unavailable' in collection) return collection;
  const coverage = new Map<string, { first: number; last: number }>();
  for (const item of collection.items) {
    const t = Date.parse(item.availableAt);
    for (const symbol of symbolsOf(item)) {
      const span = coverage.get(symbol);
      if (!span) coverage.set(symbol, { first: t, last: t });
      else {
        span.first = Math.min(span.first, t);
        span.last = Math.max(span.last, t);
      }
    }
  }
  const items = collection.items.filter((item) => keep(item, symbolsOf(item)));
  return { source: collection.source, index: new SymbolTimedIndex(items, symbolsOf), coverage };
}

/** Keeps items a decision in [from, to] with a look-back of `days` could see, about the symbols asked for. */
function rangeFilter(range: TimelineRange) {
  const fromMs = range.from === undefined ? Number.NEGATIVE_INFINITY : Date.parse(range.from);
  const toMs = range.to === undefined ? Number.POSITIVE_INFINITY : Date.parse(range.to);
  const wanted = range.symbols === undefined ? undefined : new Set(range.symbols);
  return (days: number) => {
    const earliest = fromMs - days * DAY_MS;
    return <T extends Timed>(item: T, symbols: readonly string[]) => {
      const t = Date.parse(item.availableAt);
      if (t <= earliest || t > toMs) return false;
      return wanted === undefined || symbols.some((s) => wanted.has(s));
    };
  };
}
