import { z } from 'zod';
import { defineMessage } from './envelope';
import { NewsItemSchema } from './market';
import { IsoDateSchema, SymbolSchema, UtcTimestampSchema } from './primitives';

/**
 * The seed's five sentiment sources as point-in-time evidence: news, social posts, market mood, insider trades and
 * institutional (13F) holdings. Every item carries `availableAt`, the first instant a decision may use it, set by
 * the provider from the source's publication rule:
 * - an item with a publication time counts from that time;
 * - a day-precision item dated D counts from D+1's open (14:30 UTC of the next NYSE session, or 13:30 in summer);
 * - a Form 4 transaction counts from its filing time, or transaction date + 2 business days when unknown;
 * - a 13F holding counts from its filing time, or quarter end + 45 days when unknown.
 * A decision at `asOf` sees an item only when `availableAt <= asOf`.
 */

export const EVIDENCE_KINDS = ['news', 'social', 'mood', 'insider', 'institutional'] as const;
export const EvidenceKindSchema = z.enum(EVIDENCE_KINDS);
export type EvidenceKind = z.infer<typeof EvidenceKindSchema>;

/** A news item with the point-in-time fields the evidence layer adds. */
export const DatedNewsItemSchema = NewsItemSchema.extend({
  /** `minute`/`second`: `publishedAt` is the real publication time; `day`: only the calendar day is known. */
  timePrecision: z.enum(['second', 'minute', 'day']).default('minute'),
  availableAt: UtcTimestampSchema,
  publisher: z.string().optional(),
});
export type DatedNewsItem = z.infer<typeof DatedNewsItemSchema>;

/** A social-media post about one or more symbols (an archived tweet, a StockTwits message). */
export const SocialPostSchema = z.object({
  id: z.string().min(1),
  /** `stocktwits`, `twitter-archive`, ... */
  source: z.string().min(1),
  symbols: z.array(SymbolSchema).min(1),
  postedAt: UtcTimestampSchema,
  availableAt: UtcTimestampSchema,
  text: z.string().min(1),
  isRepost: z.boolean().default(false),
  authorFollowers: z.number().int().nonnegative().optional(),
  /** The author's own label where the platform has one (StockTwits "Bullish" = 1, "Bearish" = -1). */
  authorSentiment: z.number().min(-1).max(1).optional(),
});
export type SocialPost = z.infer<typeof SocialPostSchema>;

/** One reading of a market-wide fear & greed gauge (0 = extreme fear, 100 = extreme greed). */
export const MarketMoodReadingSchema = z.object({
  /** The day the reading describes (an end-of-day value: known after that day's close). */
  date: IsoDateSchema,
  availableAt: UtcTimestampSchema,
  value: z.number().min(0).max(100),
  rating: z.enum(['extreme fear', 'fear', 'neutral', 'greed', 'extreme greed']),
  /** `cnn` (CNN's own data), `archive` (third-party reconstruction of CNN's index), `price-proxy` (computed from prices). */
  source: z.string().min(1),
});
export type MarketMoodReading = z.infer<typeof MarketMoodReadingSchema>;

/** Form 4 transaction codes: S sale, P open-market purchase, M option exercise, A award, F tax, G gift, C conversion, J other. */
export const InsiderTransactionCodeSchema = z.string().regex(/^[A-Z]$/, 'must be a one-letter Form 4 code');

export const InsiderTransactionSchema = z.object({
  id: z.string().min(1),
  source: z.string().min(1),
  symbol: SymbolSchema,
  transactionDate: IsoDateSchema,
  /** The filing's acceptance time when the source gives it. */
  filedAt: UtcTimestampSchema.optional(),
  availableAt: UtcTimestampSchema,
  owner: z.string().min(1),
  ownerPosition: z.string().default(''),
  code: InsiderTransactionCodeSchema,
  shares: z.number().finite().nonnegative(),
  /** Per-share price; absent for awards, gifts and exercises without one. */
  price: z.number().finite().nonnegative().optional(),
  sharesAfter: z.number().finite().nonnegative().optional(),
});
export type InsiderTransaction = z.infer<typeof InsiderTransactionSchema>;

/** One institution's reported position in one symbol at a quarter end (SEC 13F-HR information table). */
export const InstitutionalHoldingSchema = z.object({
  id: z.string().min(1),
  source: z.string().min(1),
  symbol: SymbolSchema,
  filer: z.string().min(1),
  filerCik: z.string().min(1),
  periodOfReport: IsoDateSchema,
  filedAt: UtcTimestampSchema.optional(),
  availableAt: UtcTimestampSchema,
  shares: z.number().finite().nonnegative(),
  valueUsd: z.number().finite().nonnegative(),
  /** Change in shares against the same filer's previous quarter, when known. */
  sharesChange: z.number().finite().optional(),
});
export type InstitutionalHolding = z.infer<typeof InstitutionalHoldingSchema>;

/** Why a source gave nothing: not configured, offline, failed, or no coverage for the symbols. */
export const SourceStatusSchema = z.object({
  kind: EvidenceKindSchema,
  source: z.string().min(1),
  status: z.enum(['ok', 'unavailable', 'failed']),
  reason: z.string().optional(),
});
export type SourceStatus = z.infer<typeof SourceStatusSchema>;

/**
 * Everything the sources know about the symbols at `asOf`, with nothing whose `availableAt` is later. Lists are
 * oldest first and cover the request's look-back window; `mood` is the latest reading available.
 */
export const EvidenceSnapshotSchema = z.object({
  asOf: UtcTimestampSchema,
  symbols: z.array(SymbolSchema),
  news: z.array(DatedNewsItemSchema),
  social: z.array(SocialPostSchema),
  mood: MarketMoodReadingSchema.nullable(),
  insider: z.array(InsiderTransactionSchema),
  institutional: z.array(InstitutionalHoldingSchema),
  sources: z.array(SourceStatusSchema),
});
export type EvidenceSnapshot = z.infer<typeof EvidenceSnapshotSchema>;

/** Ask the data gateway (`md.evidence.get`) for the evidence of some symbols at a decision time. */
export const EvidenceRequestSchema = z.object({
  symbols: z.array(SymbolSchema).min(1),
  asOf: UtcTimestampSchema,
  /** Look-back per kind in days (news and social: 7; insider: 90; institutional: 200 by default). */
  windowDays: z
    .object({
      news: z.number().int().positive().max(365).optional(),
      social: z.number().int().positive().max(365).optional(),
      insider: z.number().int().positive().max(730).optional(),
      institutional: z.number().int().positive().max(730).optional(),
    })
    .default({}),
});
export type EvidenceRequest = z.infer<typeof EvidenceRequestSchema>;

export const EvidenceMessages = {
  evidenceRequest: defineMessage('EvidenceRequest', 1, EvidenceRequestSchema),
  evidenceSnapshot: defineMessage('EvidenceSnapshot', 1, EvidenceSnapshotSchema),
} as const;
