import { z } from 'zod';

/** Exchange ticker as used by the providers: upper case, digits, dot or dash (BRK.B, RDS-A). */
export const SYMBOL_PATTERN = /^[A-Z][A-Z0-9.-]{0,14}$/;
export const SymbolSchema = z
  .string()
  .regex(SYMBOL_PATTERN, 'must be an upper-case ticker such as AAPL or BRK.B');
export type TickerSymbol = z.infer<typeof SymbolSchema>;

/** Bar sizes the system understands; `1d` is the default daily bar. */
export const TIMEFRAMES = ['1m', '5m', '15m', '30m', '1h', '1d'] as const;
export const TimeframeSchema = z.enum(TIMEFRAMES);
/** Length of one bar. A bar's `ts` is its open time, so it is complete at ts + length. */
export const TIMEFRAME_MS: Readonly<Record<(typeof TIMEFRAMES)[number], number>> = {
  '1m': 60_000,
  '5m': 5 * 60_000,
  '15m': 15 * 60_000,
  '30m': 30 * 60_000,
  '1h': 60 * 60_000,
  // Daily bars open at 00:00 UTC of the trading date; 24 h later is after the 16:00 New York close all year.
  '1d': 24 * 60 * 60_000,
};
export type Timeframe = z.infer<typeof TimeframeSchema>;

/** ISO-8601 instant in UTC (`2023-01-03T00:00:00.000Z`); every timestamp on the wire is UTC. */
export const UtcTimestampSchema = z.iso.datetime({
  message: 'must be an ISO-8601 UTC timestamp ending in Z',
});
export type UtcTimestamp = z.infer<typeof UtcTimestampSchema>;

/** Trading days in a year: the annualisation factor of daily figures (US equity convention, docs/metrics.md). */
export const TRADING_DAYS_PER_YEAR = 252;

/** Calendar date `YYYY-MM-DD` (trading days, query ranges). */
export const IsoDateSchema = z.iso.date({ message: 'must be a date in YYYY-MM-DD form' });

export const PriceSchema = z.number().finite().positive();
export const QuantitySchema = z.number().finite().nonnegative();
export const ConfidenceSchema = z.number().min(0).max(1);

export const SignalSchema = z.enum(['BUY', 'SELL', 'HOLD']);
export type Signal = z.infer<typeof SignalSchema>;

export const SideSchema = z.enum(['BUY', 'SELL']);
export type Side = z.infer<typeof SideSchema>;

export const AGENT_NAMES = ['technical', 'sentiment', 'risk', 'portfolio'] as const;
export const AgentNameSchema = z.enum(AGENT_NAMES);
export type AgentName = z.infer<typeof AgentNameSchema>;

export const CorrelationIdSchema = z.string().min(8).max(128);
