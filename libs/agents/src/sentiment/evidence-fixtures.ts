/** Hand-made evidence snapshots for tests: every item in the contract's shape, times relative to a decision time. */
import type {
  DatedNewsItem,
  EvidenceSnapshot,
  InsiderTransaction,
  InstitutionalHolding,
  MarketMoodReading,
  SocialPost,
  SourceStatus,
} from '@ats/contracts';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** ISO time `ms` milliseconds from `iso` (negative: before). */
export function shifted(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}

export function datedNews(
  id: string,
  symbol: string,
  title: string,
  availableAt: string,
  extra: Partial<DatedNewsItem> = {},
): DatedNewsItem {
  return {
    id,
    source: 'benzinga',
    publishedAt: availableAt,
    title,
    summary: '',
    symbols: [symbol],
    timePrecision: 'minute',
    availableAt,
    ...extra,
  };
}

export function socialPost(
  id: string,
  symbol: string,
  text: string,
  availableAt: string,
  extra: Partial<SocialPost> = {},
): SocialPost {
  return {
    id,
    source: 'stocktwits',
    symbols: [symbol],
    postedAt: availableAt,
    availableAt,
    text,
    isRepost: false,
    ...extra,
  };
}

export function moodReading(
  value: number,
  date: string,
  availableAt: string,
  source = 'cnn',
): MarketMoodReading {
  const rating =
    value < 25
      ? 'extreme fear'
      : value < 45
        ? 'fear'
        : value <= 55
          ? 'neutral'
          : value <= 75
            ? 'greed'
            : 'extreme greed';
  return { date, availableAt, value, rating, source };
}

export function insiderTrade(
  id: string,
  symbol: string,
  code: string,
  shares: number,
  price: number | undefined,
  availableAt: string,
  extra: Partial<InsiderTransaction> = {},
): InsiderTransaction {
  return {
    id,
    source: 'sec-form4',
    symbol,
    transactionDate: shifted(availableAt, -2 * 24 * HOUR_MS).slice(0, 10),
    availableAt,
    owner: `Owner ${id}`,
    ownerPosition: 'Director',
    code,
    shares,
    ...(price === undefined ? {} : { price }),
    ...extra,
  };
}

export function holding(
  id: string,
  symbol: string,
  filerCik: string,
  shares: number,
  sharesChange: number | undefined,
  availableAt: string,
): InstitutionalHolding {
  return {
    id,
    source: 'sec-13f',
    symbol,
    filer: `Fund ${filerCik}`,
    filerCik,
    periodOfReport: '2023-03-31',
    availableAt,
    shares,
    valueUsd: shares * 100,
    ...(sharesChange === undefined ? {} : { sharesChange }),
  };
}

/** All five sources answered, institutional included, unless `sources` says otherwise. */
export const ALL_SOURCES_OK: SourceStatus[] = [
  { kind: 'news', source: 'local-headlines', status: 'ok' },
  { kind: 'social', source: 'stocktwits', status: 'ok' },
  { kind: 'mood', source: 'cnn', status: 'ok' },
  { kind: 'insider', source: 'sec-form4', status: 'ok' },
  { kind: 'institutional', source: 'sec-13f', status: 'ok' },
];

export function evidenceSnapshot(
  asOf: string,
  symbols: string[],
  parts: Partial<EvidenceSnapshot> = {},
): EvidenceSnapshot {
  return {
    asOf,
    symbols,
    news: [],
    social: [],
    mood: null,
    insider: [],
    institutional: [],
    sources: ALL_SOURCES_OK,
    ...parts,
  };
}
