import type { BollingerValue } from '../bollinger/bollinger';
import type { DoublePatternEvent } from '../double-top-bottom/double-top-bottom';
import type { MaCrossEvent } from '../ma-crossover/ma-crossover';
import type { MacdValue } from '../macd/macd';
import type { BreakoutEvent } from '../range-breakout/range-breakout';
import type { StochasticValue } from '../stochastic/stochastic';
import type { PriceLevel } from '../support-resistance/support-resistance';
import type { Trend } from '../trend-structure/trend-structure';
import type { IndicatorSet } from './indicator-set';

/** A past event with how many bars ago it fired (0 = on this bar). */
export type Recent<Event> = Event & { readonly barsAgo: number };

/**
 * Every indicator value after bar t as plain JSON-safe data (null = not warmed up yet): what the technical agent
 * reasons over. Built only from the set's state, i.e. bars 0..t.
 */
export interface TechnicalSnapshot {
  readonly ts: string;
  readonly barIndex: number;
  readonly close: number;
  readonly volume: number;
  /** Keyed by period, e.g. sma["200"]. */
  readonly sma: Readonly<Record<string, number | null>>;
  readonly ema: Readonly<Record<string, number | null>>;
  readonly macd: MacdValue | null;
  readonly rsi: number | null;
  readonly stochastic: StochasticValue | null;
  readonly williamsR: number | null;
  readonly bollinger: BollingerValue | null;
  readonly atr: number | null;
  readonly volumeSma: number | null;
  /** This bar's volume / volume SMA. */
  readonly relativeVolume: number | null;
  readonly obv: number | null;
  readonly volumeProfile: {
    readonly pointOfControl: number;
    readonly valueAreaHigh: number;
    readonly valueAreaLow: number;
  } | null;
  readonly supportResistance: {
    readonly nearestSupport: PriceLevel | null;
    readonly nearestResistance: PriceLevel | null;
    readonly levels: readonly PriceLevel[];
  } | null;
  readonly trend: {
    readonly direction: Trend;
    readonly lastHigh: number;
    readonly previousHigh: number;
    readonly lastLow: number;
    readonly previousLow: number;
  } | null;
  readonly lastMaCross: Recent<MaCrossEvent> | null;
  readonly lastBreakout: Recent<BreakoutEvent> | null;
  readonly lastDoublePattern: Recent<DoublePatternEvent> | null;
}

/** Raised when a snapshot is asked of a set that has not seen a bar. */
export class EmptyIndicatorSetError extends Error {
  constructor() {
    super('TechnicalSnapshot: the indicator set has not been fed any bar');
    this.name = 'EmptyIndicatorSetError';
  }
}

/** Reads the set after its last bar into a TechnicalSnapshot; does not advance it. */
export function buildTechnicalSnapshot(set: IndicatorSet): TechnicalSnapshot {
  const bar = set.lastBar;
  if (bar === undefined) throw new EmptyIndicatorSetError();
  const barIndex = set.barIndex;
  const recent = <E extends { readonly barIndex: number }>(event: E | undefined): Recent<E> | null =>
    event === undefined ? null : { ...event, barsAgo: barIndex - event.barIndex };

  const sma: Record<string, number | null> = {};
  for (const [period, indicator] of set.sma) sma[period] = indicator.getResult() ?? null;
  const ema: Record<string, number | null> = {};
  for (const [period, indicator] of set.ema) ema[period] = indicator.getResult() ?? null;
  const volumeSma = set.volumeSma.getResult();
  const profile = set.volumeProfile.getSummary();
  const levels = set.supportResistance.getResult();
  const structure = set.trendStructure.getResult();

  return {
    ts: bar.ts,
    barIndex,
    close: bar.close,
    volume: bar.volume,
    sma,
    ema,
    macd: set.macd.getResult() ?? null,
    rsi: set.rsi.getResult() ?? null,
    stochastic: set.stochastic.getResult() ?? null,
    williamsR: set.williamsR.getResult() ?? null,
    bollinger: set.bollinger.getResult() ?? null,
    atr: set.atr.getResult() ?? null,
    volumeSma: volumeSma ?? null,
    relativeVolume: volumeSma !== undefined && volumeSma > 0 ? bar.volume / volumeSma : null,
    obv: set.obv.getResult() ?? null,
    volumeProfile: profile
      ? {
          pointOfControl: profile.pointOfControl,
          valueAreaHigh: profile.valueAreaHigh,
          valueAreaLow: profile.valueAreaLow,
        }
      : null,
    supportResistance: levels
      ? {
          nearestSupport: levels.nearestSupport ?? null,
          nearestResistance: levels.nearestResistance ?? null,
          levels: levels.levels,
        }
      : null,
    trend: structure
      ? {
          direction: structure.trend,
          lastHigh: structure.lastHigh.price,
          previousHigh: structure.previousHigh.price,
          lastLow: structure.lastLow.price,
          previousLow: structure.previousLow.price,
        }
      : null,
    lastMaCross: recent(set.maCrossover.getResult()),
    lastBreakout: recent(set.breakout.getResult()),
    lastDoublePattern: recent(set.doubleTopBottom.getResult()),
  };
}
