import { z } from 'zod';
import { defineMessage } from './envelope';
import { BarSchema, NewsItemSchema, QuoteSchema } from './market';
import { IsoDateSchema, SymbolSchema, TimeframeSchema } from './primitives';

/** Ask the data gateway for bars of one symbol between two dates, both inclusive. */
export const HistoryRequestSchema = z
  .object({
    symbol: SymbolSchema,
    timeframe: TimeframeSchema.default('1d'),
    from: IsoDateSchema,
    to: IsoDateSchema,
  })
  .refine((r) => r.from <= r.to, { message: '`from` must not be after `to`', path: ['from'] });
export type HistoryRequest = z.infer<typeof HistoryRequestSchema>;

export const HistoryResponseSchema = z.object({
  symbol: SymbolSchema,
  timeframe: TimeframeSchema,
  /** Which provider served the bars (after failover). */
  provider: z.string(),
  bars: z.array(BarSchema),
  /** Rows the provider sent that failed validation (NaN, high < low, future dates...). */
  droppedRows: z.number().int().nonnegative().default(0),
});
export type HistoryResponse = z.infer<typeof HistoryResponseSchema>;

export const QuoteRequestSchema = z.object({ symbol: SymbolSchema });
export const NewsRequestSchema = z.object({
  symbols: z.array(SymbolSchema).min(1),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  limit: z.number().int().positive().max(1000).default(50),
});
export const NewsResponseSchema = z.object({ provider: z.string(), items: z.array(NewsItemSchema) });

export const Messages = {
  historyRequest: defineMessage('HistoryRequest', 1, HistoryRequestSchema),
  historyResponse: defineMessage('HistoryResponse', 1, HistoryResponseSchema),
  quoteRequest: defineMessage('QuoteRequest', 1, QuoteRequestSchema),
  quote: defineMessage('Quote', 1, QuoteSchema),
  newsRequest: defineMessage('NewsRequest', 1, NewsRequestSchema),
  newsResponse: defineMessage('NewsResponse', 1, NewsResponseSchema),
  bar: defineMessage('Bar', 1, BarSchema),
} as const;
