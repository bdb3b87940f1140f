import { join } from 'node:path';
import type {
  DatedNewsItem,
  EvidenceKind,
  InsiderTransaction,
  InstitutionalHolding,
  MarketMoodReading,
  SocialPost,
} from '@ats/contracts';
import { encodeSections, openSections, type SymbolSections, sectionsOf } from '../symbol-sections';
import { FEAR_GREED_FILE, loadFearGreed } from './fear-greed-file';
import { FORM4_FILE, LOCAL_FORM4_SOURCE, loadForm4, parseForm4Csv } from './form4-file';
import {
  HEADLINES_FILE,
  type HeadlineFilterOptions,
  LOCAL_HEADLINES_SOURCE,
  loadHeadlines,
  parseHeadlinesCsv,
} from './headlines-file';
import { type CopyFormat, keepsParsedCopies, loadOnce } from './load-once';
import { loadTweets, parseTweetsCsv, TWEETS_FILE, TWITTER_ARCHIVE_SOURCE } from './tweets-file';

export const LOCAL_FEAR_GREED_SOURCE = 'local-fear-greed';
export const SEC_13F_SOURCE = 'sec-13f';
export const NO_LOCAL_13F_REASON =
  'no local 13F data; set EVIDENCE__INSTITUTIONAL_FILERS and EVIDENCE__SEC_USER_AGENT to fetch from SEC EDGAR';

/** One source's items, or why it has none. */
export type EvidenceCollection<T> =
  | { readonly source: string; readonly items: readonly T[] }
  | { readonly source: string; readonly unavailable: string };

/** What the data folder holds, kind by kind. */
export interface LocalEvidence {
  readonly news: EvidenceCollection<DatedNewsItem>;
  readonly social: EvidenceCollection<SocialPost>;
  readonly mood: EvidenceCollection<MarketMoodReading>;
  readonly insider: EvidenceCollection<InsiderTransaction>;
  readonly institutional: EvidenceCollection<InstitutionalHolding>;
}

/** A symbol-keyed kind's items grouped by symbol (see sectionsOf), or why it has none. */
export type SectionedCollection<T> =
  | { readonly source: string; readonly sections: SymbolSections<T> }
  | { readonly source: string; readonly unavailable: string };

/** Evidence as a timeline takes it: each symbol-keyed kind as items, or already grouped by symbol. */
export interface IndexableEvidence {
  readonly news: EvidenceCollection<DatedNewsItem> | SectionedCollection<DatedNewsItem>;
  readonly social: EvidenceCollection<SocialPost> | SectionedCollection<SocialPost>;
  readonly mood: EvidenceCollection<MarketMoodReading>;
  readonly insider: EvidenceCollection<InsiderTransaction> | SectionedCollection<InsiderTransaction>;
  readonly institutional: EvidenceCollection<InstitutionalHolding>;
}

/** The symbols an item is about, per symbol-keyed kind: the keys of its index. */
export const newsSymbols = (item: DatedNewsItem): readonly string[] => item.symbols;
export const socialSymbols = (item: SocialPost): readonly string[] => item.symbols;
export const insiderSymbols = (item: InsiderTransaction): readonly string[] => [item.symbol];
export const institutionalSymbols = (item: InstitutionalHolding): readonly string[] => [item.symbol];

export interface LocalEvidenceOptions extends HeadlineFilterOptions {
  /**
   * Where a compiled build keeps each parsed file for the next process (DATA__CACHE_DIR/parsed-evidence from the
   * configuration; see loadOnce). Unset: every process parses the files.
   */
  readonly parsedCacheDir?: string;
}

/**
 * Loads every evidence file of the data folder (each once per process). A missing folder or file makes that
 * kind unavailable with the reason; it never fails the others.
 */
export async function loadLocalEvidence(
  dataDir: string | undefined,
  options: LocalEvidenceOptions = {},
): Promise<LocalEvidence> {
  const institutional = { source: SEC_13F_SOURCE, unavailable: NO_LOCAL_13F_REASON };
  if (dataDir === undefined) {
    const none = 'no data folder configured (DATA__DIR)';
    return {
      news: { source: LOCAL_HEADLINES_SOURCE, unavailable: none },
      social: { source: TWITTER_ARCHIVE_SOURCE, unavailable: none },
      mood: { source: LOCAL_FEAR_GREED_SOURCE, unavailable: none },
      insider: { source: LOCAL_FORM4_SOURCE, unavailable: none },
      institutional,
    };
  }
  const [news, social, mood, insider] = await Promise.all([
    collect(
      LOCAL_HEADLINES_SOURCE,
      join(dataDir, HEADLINES_FILE),
      loadHeadlines(dataDir, options, options.parsedCacheDir),
    ),
    collect(TWITTER_ARCHIVE_SOURCE, join(dataDir, TWEETS_FILE), loadTweets(dataDir, options.parsedCacheDir)),
    collect(
      LOCAL_FEAR_GREED_SOURCE,
      join(dataDir, FEAR_GREED_FILE),
      loadFearGreed(dataDir, options.parsedCacheDir),
    ),
    collect(LOCAL_FORM4_SOURCE, join(dataDir, FORM4_FILE), loadForm4(dataDir, options.parsedCacheDir)),
  ]);
  return { news, social, mood, insider, institutional };
}

/**
 * As loadLocalEvidence, for a compiled build that keeps parsed copies (see loadOnce): headlines, tweets and Form 4
 * trades are kept grouped by symbol (encodeSections). A process reads a copy's header, then only the symbols its
 * questions name, and turns into objects only the chunks their windows reach: a one-year backtest of nine symbols no
 * longer reads and rebuilds 28 MB of objects (every symbol, every year) before its first decision. Without such a
 * build this is loadLocalEvidence.
 */
export async function loadLocalEvidenceSections(
  dataDir: string | undefined,
  options: LocalEvidenceOptions = {},
): Promise<IndexableEvidence> {
  const cacheDir = options.parsedCacheDir;
  if (dataDir === undefined || !keepsParsedCopies(cacheDir)) return loadLocalEvidence(dataDir, options);
  const filter = options.includeRoundUps ? 'all' : 'company';
  const [news, social, mood, insider] = await Promise.all([
    collectSections(
      LOCAL_HEADLINES_SOURCE,
      join(dataDir, HEADLINES_FILE),
      loadOnce(
        join(dataDir, HEADLINES_FILE),
        `by-symbol-headlines-${filter}`,
        (text) => sectionsOf(parseHeadlinesCsv(text, options), newsSymbols),
        cacheDir,
        bySymbolCopy<DatedNewsItem>(),
      ),
    ),
    collectSections(
      TWITTER_ARCHIVE_SOURCE,
      join(dataDir, TWEETS_FILE),
      loadOnce(
        join(dataDir, TWEETS_FILE),
        'by-symbol-tweets',
        (text) => sectionsOf(parseTweetsCsv(text), socialSymbols),
        cacheDir,
        bySymbolCopy<SocialPost>(),
      ),
    ),
    collect(LOCAL_FEAR_GREED_SOURCE, join(dataDir, FEAR_GREED_FILE), loadFearGreed(dataDir, cacheDir)),
    collectSections(
      LOCAL_FORM4_SOURCE,
      join(dataDir, FORM4_FILE),
      loadOnce(
        join(dataDir, FORM4_FILE),
        'by-symbol-form4',
        (text) => sectionsOf(parseForm4Csv(text), insiderSymbols),
        cacheDir,
        bySymbolCopy<InsiderTransaction>(),
      ),
    ),
  ]);
  return {
    news,
    social,
    mood,
    insider,
    institutional: { source: SEC_13F_SOURCE, unavailable: NO_LOCAL_13F_REASON },
  };
}

/** Sections kept as a sections file: read back header first, each symbol's items when first asked for. */
function bySymbolCopy<T>(): CopyFormat<SymbolSections<T>> {
  return { write: encodeSections, read: (path) => openSections<T>(path) };
}

async function collectSections<T>(
  source: string,
  path: string,
  load: Promise<SymbolSections<T>>,
): Promise<SectionedCollection<T>> {
  const result = await settled(path, load);
  return 'value' in result ? { source, sections: result.value } : { source, ...result };
}

async function collect<T>(source: string, path: string, load: Promise<T[]>): Promise<EvidenceCollection<T>> {
  const result = await settled(path, load);
  return 'value' in result ? { source, items: result.value } : { source, ...result };
}

/** The loaded value, or why the file is not there. */
async function settled<V>(path: string, load: Promise<V>): Promise<{ value: V } | { unavailable: string }> {
  try {
    return { value: await load };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { unavailable: `no file ${path}` };
    // A file that exists but cannot be read or parsed is a broken data folder: say so loudly.
    throw new Error(`cannot load ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** Kinds in the order snapshots list their sources. */
export const LOCAL_KINDS: readonly EvidenceKind[] = ['news', 'social', 'mood', 'insider', 'institutional'];
