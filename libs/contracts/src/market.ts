import { z } from 'zod';
import { PriceSchema, QuantitySchema, SymbolSchema, TimeframeSchema, UtcTimestampSchema } from './primitives';

/**
 * One OHLCV bar. `ts` is the bar's open time in UTC (daily bars: midnight UTC of the trading date).
 * `adjusted` says whether open..close are dividend adjusted (scaled by adjClose / close).
 */
export const BarSchema = z
  .object({
    symbol: SymbolSchema,
    timeframe: TimeframeSchema,
    ts: UtcTimestampSchema,
    open: PriceSchema,
    high: PriceSchema,
    low: PriceSchema,
    close: PriceSchema,
    volume: QuantitySchema,
    adjusted: z.boolean(),
    /**
     * The source's split-and-dividend-adjusted close (total-return basis), when it publishes one and `open..close`
     * are not themselves adjusted. Its ratio to `close` moves only on ex-dividend dates, so cash dividends can be
     * derived from it (see docs/metrics.md).
     */
    adjClose: PriceSchema.optional(),
  })
  .refine((bar) => bar.high >= Math.max(bar.open, bar.close) && bar.low <= Math.min(bar.open, bar.close), {
    message: 'high must be >= open/close and low <= open/close',
    path: ['high'],
  });
export type Bar = z.infer<typeof BarSchema>;

export const QuoteSchema = z.object({
  symbol: SymbolSchema,
  price: PriceSchema,
  bid: PriceSchema.optional(),
  ask: PriceSchema.optional(),
  volume: QuantitySchema.optional(),
  change: z.number().finite().optional(),
  changePercent: z.number().finite().optional(),
  ts: UtcTimestampSchema,
  provider: z.string().min(1),
});
export type Quote = z.infer<typeof QuoteSchema>;

/** A news article or post; `providerSentiment` is the source's own score in [-1, 1] when it supplies one. */
export const NewsItemSchema = z.object({
  id: z.string().min(1),
  source: z.string().min(1),
  publishedAt: UtcTimestampSchema,
  title: z.string().min(1),
  summary: z.string().default(''),
  url: z.url().optional(),
  symbols: z.array(SymbolSchema).default([]),
  providerSentiment: z.number().min(-1).max(1).optional(),
});
export type NewsItem = z.infer<typeof NewsItemSchema>;

/** Indicator values by name (`rsi14`, `macd.histogram`, ...); null while an indicator is warming up. */
export const IndicatorValuesSchema = z.record(z.string(), z.number().finite().nullable());
export type IndicatorValues = z.infer<typeof IndicatorValuesSchema>;

/**
 * Point-in-time view of one symbol as of `asOf` (the seed's MarketData): everything an agent may see.
 * `history` holds bars up to and including `asOf`, never later.
 */
export const MarketSnapshotSchema = z.object({
  symbol: SymbolSchema,
  asOf: UtcTimestampSchema,
  price: PriceSchema,
  volume: QuantitySchema,
  ohlc: z.object({ open: PriceSchema, high: PriceSchema, low: PriceSchema, close: PriceSchema }),
  indicators: IndicatorValuesSchema,
  history: z.array(BarSchema).default([]),
  news: z.array(NewsItemSchema).default([]),
  fundamentals: z.record(z.string(), z.unknown()).optional(),
});
export type MarketSnapshot = z.infer<typeof MarketSnapshotSchema>;
