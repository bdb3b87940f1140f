import { z } from 'zod';
import {
  PriceSchema,
  QuantitySchema,
  SYMBOL_PATTERN,
  SymbolSchema,
  TIMEFRAMES,
  TimeframeSchema,
  UtcTimestampSchema,
} from './primitives';

/** A bar's range holds its open and close: BarSchema's rule, also applied by isValidBar and BarColumnsSchema. */
function rangeHolds(open: number, high: number, low: number, close: number): boolean {
  return high >= Math.max(open, close) && low <= Math.min(open, close);
}
const RANGE_MESSAGE = 'high must be >= open/close and low <= open/close';
const isPrice = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;
const isQuantity = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;

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
  .refine((bar) => rangeHolds(bar.open, bar.high, bar.low, bar.close), {
    message: RANGE_MESSAGE,
    path: ['high'],
  });
export type Bar = z.infer<typeof BarSchema>;

/** A bar's fields as a producer built them, before anything has checked them. */
export type BarCandidate = { readonly [K in keyof Bar]?: unknown };

/** z.iso.datetime's own pattern (UtcTimestampSchema's), so the two cannot disagree on a timestamp. */
const UTC_TIMESTAMP_PATTERN = UtcTimestampSchema._zod.def.pattern as RegExp;
const TIMEFRAME_SET: ReadonlySet<string> = new Set(TIMEFRAMES);
/**
 * True exactly when BarSchema accepts `bar`, and then its parse is an equal object (keys beyond a Bar's aside,
 * which the schema drops). The same rules, checked without building zod issues: normaliseBars makes bars by the
 * hundred thousand, and BarSchema.safeParse was a third of its time. Ask BarSchema for the reasons when this says
 * no. Tested against BarSchema on every rule's edge.
 */
export function isValidBar(bar: BarCandidate): boolean {
  const { open, high, low, close, volume, adjClose } = bar;
  return (
    typeof bar.symbol === 'string' &&
    SYMBOL_PATTERN.test(bar.symbol) &&
    typeof bar.timeframe === 'string' &&
    TIMEFRAME_SET.has(bar.timeframe) &&
    typeof bar.ts === 'string' &&
    UTC_TIMESTAMP_PATTERN.test(bar.ts) &&
    isPrice(open) &&
    isPrice(high) &&
    isPrice(low) &&
    isPrice(close) &&
    isQuantity(volume) &&
    typeof bar.adjusted === 'boolean' &&
    (adjClose === undefined || isPrice(adjClose)) &&
    rangeHolds(open, high, low, close)
  );
}

const BAR_COLUMN_KEYS = ['open', 'high', 'low', 'close', 'volume', 'adjusted', 'adjClose'] as const;

/**
 * An array of numbers, each checked in one plain loop instead of by a schema per element (z.array(PriceSchema) costs
 * ~70 ns a value, and a cycle's request carries ~8,000). Same rule and same issue paths (the index) as the
 * per-element schema; `nullable` also lets null stand for "none".
 */
function numberColumn<T extends number | null = number>(
  rule: 'price' | 'quantity',
  options: { nullable?: boolean } = {},
) {
  const valid = rule === 'price' ? isPrice : isQuantity;
  const message = rule === 'price' ? 'must be a finite number > 0' : 'must be a finite number >= 0';
  return z
    .custom<T[]>((value) => Array.isArray(value), { message: 'expected an array' })
    .superRefine((values, issues) => {
      for (let i = 0; i < values.length; i++) {
        const x = values[i] as unknown;
        if (x === null && options.nullable) continue;
        if (valid(x)) continue;
        issues.addIssue({ code: 'custom', path: [i], message, input: x });
      }
    });
}

/**
 * One symbol's bars as columns: bar i is ts[i], open[i] … adjusted[i], adjClose[i]. The agent RPC carries a
 * snapshot's history in this form (WireMarketSnapshotSchema): 40% fewer bytes than Bar objects, and arrays of
 * numbers cost far less to parse and validate than objects. Each bar is checked as BarSchema checks it.
 */
export const BarColumnsSchema = z
  .object({
    symbol: SymbolSchema,
    timeframe: TimeframeSchema,
    ts: z.array(UtcTimestampSchema),
    open: numberColumn('price'),
    high: numberColumn('price'),
    low: numberColumn('price'),
    close: numberColumn('price'),
    volume: numberColumn('quantity'),
    adjusted: z.array(z.boolean()),
    /** null where a bar has no adjClose; absent when none has. */
    adjClose: numberColumn<number | null>('price', { nullable: true }).optional(),
  })
  .superRefine((c, issues) => {
    const bars = c.ts.length;
    let aligned = true;
    for (const key of BAR_COLUMN_KEYS) {
      const column = c[key];
      if (column === undefined || column.length === bars) continue;
      aligned = false;
      issues.addIssue({
        code: 'custom',
        path: [key],
        message: `has ${column.length} values for ${bars} bars`,
      });
    }
    if (!aligned) return;
    for (let i = 0; i < bars; i++)
      if (!rangeHolds(c.open[i] as number, c.high[i] as number, c.low[i] as number, c.close[i] as number))
        issues.addIssue({ code: 'custom', path: ['high', i], message: RANGE_MESSAGE });
  });
export type BarColumns = z.infer<typeof BarColumnsSchema>;

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
