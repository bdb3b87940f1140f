import { join } from 'node:path';
import type {
  DatedNewsItem,
  EvidenceKind,
  InsiderTransaction,
  InstitutionalHolding,
  MarketMoodReading,
  SocialPost,
} from '@ats/contracts';
import { FEAR_GREED_FILE, loadFearGreed } from './fear-greed-file';
import { FORM4_FILE, LOCAL_FORM4_SOURCE, loadForm4 } from './form4-file';
import {
  HEADLINES_FILE,
  type HeadlineFilterOptions,
  LOCAL_HEADLINES_SOURCE,
  loadHeadlines,
} from './headlines-file';
import { loadTweets, TWEETS_FILE, TWITTER_ARCHIVE_SOURCE } from './tweets-file';

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

async function collect<T>(source: string, path: string, load: Promise<T[]>): Promise<EvidenceCollection<T>> {
  try {
    return { source, items: await load };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { source, unavailable: `no file ${path}` };
    // A file that exists but cannot be read or parsed is a broken data folder: say so loudly.
    throw new Error(`cannot load ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** Kinds in the order snapshots list their sources. */
export const LOCAL_KINDS: readonly EvidenceKind[] = ['news', 'social', 'mood', 'insider', 'institutional'];
