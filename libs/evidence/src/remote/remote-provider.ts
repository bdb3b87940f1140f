import type {
  DatedNewsItem,
  EvidenceKind,
  InsiderTransaction,
  InstitutionalHolding,
  MarketMoodReading,
  SocialPost,
} from '@ats/contracts';

/** The item type of each evidence kind. */
export interface EvidenceItemByKind {
  news: DatedNewsItem;
  social: SocialPost;
  mood: MarketMoodReading;
  insider: InsiderTransaction;
  institutional: InstitutionalHolding;
}

export interface RemoteEvidenceQuery {
  /** The symbol asked about; undefined for market-wide sources (mood) and filer-driven ones (13F). */
  readonly symbol: string | undefined;
  /** Start of the look-back window. */
  readonly from: Date;
  /** The decision time (the provider may return later items; the caller drops them). */
  readonly to: Date;
}

/**
 * One remote API serving one kind of evidence. Every item it returns carries `availableAt` by its source's
 * publication rule; failures are ProviderErrors (libs/market-data) with their kind.
 */
export interface RemoteEvidenceProvider<K extends EvidenceKind = EvidenceKind> {
  readonly kind: K;
  readonly name: string;
  /** Asked once per symbol (news, social, insider), or once for all (mood, institutional). */
  readonly perSymbol: boolean;
  fetch(query: RemoteEvidenceQuery): Promise<EvidenceItemByKind[K][]>;
}

/**
 * Longest a remote evidence request waits for its provider's rate limit before it is refused (RateLimitedError):
 * a decision reports the source as failed rather than stall behind a quota.
 */
export const REMOTE_MAX_QUEUE_WAIT_MS = 2_000;

/** `YYYY-MM-DD` of an instant in UTC (the query dates providers take). */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
