import { z } from 'zod';
import { defineMessage } from './envelope';
import { IsoDateSchema, SymbolSchema, TimeframeSchema, UtcTimestampSchema } from './primitives';

/**
 * Calendar days of history fed to the indicators before `asOf` by default: ~275 sessions, enough to warm up the
 * 200-bar SMA with room for the path-dependent ones (EMA, OBV) to settle.
 */
export const DEFAULT_INDICATOR_LOOKBACK_DAYS = 400;

/**
 * Ask the data gateway for the technical indicators of one symbol as of a trading date: computed on the bars dated
 * `asOf` or earlier only (the `asOf` daily bar included, i.e. after that session's close), never later ones.
 */
export const IndicatorsRequestSchema = z.object({
  symbol: SymbolSchema,
  timeframe: TimeframeSchema.default('1d'),
  asOf: IsoDateSchema,
  /** History window fed to the indicators: bars from `asOf − lookbackDays` to `asOf`. */
  lookbackDays: z.number().int().min(30).max(7_300).default(DEFAULT_INDICATOR_LOOKBACK_DAYS),
});
export type IndicatorsRequest = z.infer<typeof IndicatorsRequestSchema>;

const nullableNumber = z.number().nullable();
const SwingPointSchema = z.object({
  kind: z.enum(['high', 'low']),
  barIndex: z.number().int(),
  ts: UtcTimestampSchema,
  price: z.number(),
  confirmedAtIndex: z.number().int(),
});
const PriceLevelSchema = z.object({
  price: z.number(),
  touches: z.number().int(),
  lastTouchIndex: z.number().int(),
});

/** @ats/indicators' TechnicalSnapshot on the wire (null = indicator not warmed up yet). */
export const TechnicalSnapshotSchema = z.object({
  ts: UtcTimestampSchema,
  barIndex: z.number().int().nonnegative(),
  close: z.number(),
  volume: z.number(),
  sma: z.record(z.string(), nullableNumber),
  ema: z.record(z.string(), nullableNumber),
  macd: z.object({ macd: z.number(), signal: z.number(), histogram: z.number() }).nullable(),
  rsi: nullableNumber,
  stochastic: z.object({ k: z.number(), d: z.number() }).nullable(),
  williamsR: nullableNumber,
  bollinger: z
    .object({
      upper: z.number(),
      middle: z.number(),
      lower: z.number(),
      bandwidth: z.number(),
      percentB: z.number(),
    })
    .nullable(),
  atr: nullableNumber,
  volumeSma: nullableNumber,
  relativeVolume: nullableNumber,
  obv: nullableNumber,
  volumeProfile: z
    .object({ pointOfControl: z.number(), valueAreaHigh: z.number(), valueAreaLow: z.number() })
    .nullable(),
  supportResistance: z
    .object({
      nearestSupport: PriceLevelSchema.nullable(),
      nearestResistance: PriceLevelSchema.nullable(),
      levels: z.array(PriceLevelSchema),
    })
    .nullable(),
  trend: z
    .object({
      direction: z.enum(['up', 'down', 'sideways']),
      lastHigh: z.number(),
      previousHigh: z.number(),
      lastLow: z.number(),
      previousLow: z.number(),
    })
    .nullable(),
  lastMaCross: z
    .object({
      kind: z.enum(['golden', 'death']),
      barIndex: z.number().int(),
      ts: UtcTimestampSchema,
      fast: z.number(),
      slow: z.number(),
      barsAgo: z.number().int().nonnegative(),
    })
    .nullable(),
  lastBreakout: z
    .object({
      direction: z.enum(['up', 'down']),
      barIndex: z.number().int(),
      ts: UtcTimestampSchema,
      level: z.number(),
      close: z.number(),
      volumeRatio: z.number(),
      barsAgo: z.number().int().nonnegative(),
    })
    .nullable(),
  lastDoublePattern: z
    .object({
      kind: z.enum(['doubleTop', 'doubleBottom']),
      barIndex: z.number().int(),
      ts: UtcTimestampSchema,
      first: SwingPointSchema,
      second: SwingPointSchema,
      neckline: z.number(),
      barsAgo: z.number().int().nonnegative(),
    })
    .nullable(),
});
export type TechnicalSnapshotMessage = z.infer<typeof TechnicalSnapshotSchema>;

export const IndicatorsResponseSchema = z.object({
  symbol: SymbolSchema,
  timeframe: TimeframeSchema,
  asOf: IsoDateSchema,
  /** First date of the history window the indicators were computed on. */
  from: IsoDateSchema,
  /** Which provider served the bars (after failover). */
  provider: z.string(),
  /** Bars fed to the indicators; the snapshot is after the last of them. */
  bars: z.number().int().positive(),
  snapshot: TechnicalSnapshotSchema,
});
export type IndicatorsResponse = z.infer<typeof IndicatorsResponseSchema>;

/** Indicator request/reply message types (the other market-data types are in `Messages`). */
export const IndicatorMessages = {
  indicatorsRequest: defineMessage('IndicatorsRequest', 1, IndicatorsRequestSchema),
  indicatorsResponse: defineMessage('IndicatorsResponse', 1, IndicatorsResponseSchema),
} as const;
