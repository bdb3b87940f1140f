import {
  basisPointsCommission,
  type CommissionModel,
  DEFAULT_STATISTICS_LOOKBACK,
  fixedBpsSlippage,
  flatCommission,
  noCommission,
  noSlippage,
  perShareCommission,
  type SlippageModel,
  volatilitySlippage,
  volumeSlippage,
} from '@ats/execution';
import { InvalidBacktestConfigError } from './errors';

/** Commission model as data, so the config that produced a result serialises into it. */
export type CommissionConfig =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'per-share';
      readonly perShare: number;
      readonly minimum?: number;
      readonly maximumFractionOfValue?: number;
    }
  | { readonly kind: 'flat'; readonly perTrade: number }
  | { readonly kind: 'bps'; readonly bps: number; readonly minimum?: number };

export type SlippageConfig =
  | { readonly kind: 'none' }
  | { readonly kind: 'fixed-bps'; readonly bps: number }
  /** k × mean (high − low) / close over the `statisticsLookback` bars before the fill bar. */
  | { readonly kind: 'volatility'; readonly k: number }
  /** coefficient × (quantity / mean volume of the `statisticsLookback` bars before the fill bar) ^ exponent. */
  | { readonly kind: 'volume'; readonly impactCoefficient: number; readonly exponent?: number };

/**
 * When the strategy's decide() runs: every step, or at the close of the first trading day of each new ISO week /
 * calendar month (the last day of a period is only known in hindsight, so "first day" keeps decisions point in time).
 */
export type RebalanceFrequency = 'daily' | 'weekly' | 'monthly';

/**
 * Equal-weighted buy-and-hold of the universe, buy-and-hold of one symbol of the feed, or an outside series that is
 * not traded (e.g. SPY's total-return index): `value[i]` at `ts[i]`, valued at the last point at or before each step.
 */
export type BenchmarkConfig =
  | { readonly kind: 'equal-weight' }
  | { readonly kind: 'symbol'; readonly symbol: string }
  | {
      readonly kind: 'series';
      readonly symbol: string;
      readonly ts: readonly string[];
      readonly value: readonly number[];
    };

export interface BacktestConfig {
  /** Prefix of order ids; part of the deterministic result. */
  readonly runId: string;
  readonly initialCash: number;
  readonly rebalance: RebalanceFrequency;
  readonly commission: CommissionConfig;
  readonly slippage: SlippageConfig;
  /** Largest position per symbol as a fraction of equity at the decision close. */
  readonly maxWeightPerSymbol: number;
  /** Largest Σ |position value| / equity; 1 = no leverage. */
  readonly maxGrossExposure: number;
  /** Buys may spend more than the cash held (margin). Off: orders are resized to the cash available. */
  readonly allowMargin: boolean;
  readonly allowShort: boolean;
  /** Annual borrow fee on short value, charged per step (one step = one trading day with daily bars) as rate / 252. */
  readonly borrowRateAnnual: number;
  readonly benchmark: BenchmarkConfig;
  /**
   * Credit cash dividends (derived from the bars' adjClose) on positions held at the close before each ex-date,
   * and to the feed benchmarks. Off: price-only returns.
   */
  readonly creditDividends: boolean;
  /** Bars of history behind the volatility and volume slippage statistics. */
  readonly statisticsLookback: number;
  /**
   * First timestamp (ISO UTC) that trades. Earlier bars are a warm-up: revealed to the strategy so its indicators
   * are ready on the first trading day, but no decisions, orders, equity points or benchmark moves happen in them.
   * Undefined: trade from the first bar.
   */
  readonly tradeFrom?: string;
}

export const DEFAULT_INITIAL_CASH = 100_000;
/** Interactive Brokers "fixed" US stock tier. */
export const DEFAULT_COMMISSION: CommissionConfig = {
  kind: 'per-share',
  perShare: 0.005,
  minimum: 1,
  maximumFractionOfValue: 0.01,
};
/** 5 bp per side: a conservative half-spread for liquid US large caps. */
export const DEFAULT_SLIPPAGE: SlippageConfig = { kind: 'fixed-bps', bps: 5 };
export { DEFAULT_STATISTICS_LOOKBACK } from '@ats/execution';

/** Commission and slippage given in basis points, as cost configs; an absent figure is absent (its default stands). */
export function basisPointCosts(bps: { readonly commissionBps?: number; readonly slippageBps?: number }): {
  commission?: CommissionConfig;
  slippage?: SlippageConfig;
} {
  return {
    ...(bps.commissionBps === undefined ? {} : { commission: { kind: 'bps', bps: bps.commissionBps } }),
    ...(bps.slippageBps === undefined ? {} : { slippage: { kind: 'fixed-bps', bps: bps.slippageBps } }),
  };
}

export const DEFAULT_BACKTEST_CONFIG: BacktestConfig = {
  runId: 'backtest',
  initialCash: DEFAULT_INITIAL_CASH,
  rebalance: 'daily',
  commission: DEFAULT_COMMISSION,
  slippage: DEFAULT_SLIPPAGE,
  maxWeightPerSymbol: 1,
  maxGrossExposure: 1,
  allowMargin: false,
  allowShort: false,
  borrowRateAnnual: 0,
  benchmark: { kind: 'equal-weight' },
  creditDividends: true,
  statisticsLookback: DEFAULT_STATISTICS_LOOKBACK,
};

export function resolveConfig(partial: Partial<BacktestConfig> = {}): BacktestConfig {
  const config = { ...DEFAULT_BACKTEST_CONFIG, ...partial };
  if (!(config.initialCash > 0)) throw new InvalidBacktestConfigError('initialCash must be > 0');
  if (!(config.maxWeightPerSymbol > 0))
    throw new InvalidBacktestConfigError('maxWeightPerSymbol must be > 0');
  if (!(config.maxGrossExposure > 0)) throw new InvalidBacktestConfigError('maxGrossExposure must be > 0');
  if (!(config.borrowRateAnnual >= 0)) throw new InvalidBacktestConfigError('borrowRateAnnual must be >= 0');
  if (config.tradeFrom !== undefined && Number.isNaN(Date.parse(config.tradeFrom))) {
    throw new InvalidBacktestConfigError(`tradeFrom must be an ISO timestamp, got ${config.tradeFrom}`);
  }
  if (!Number.isInteger(config.statisticsLookback) || config.statisticsLookback < 1) {
    throw new InvalidBacktestConfigError('statisticsLookback must be a positive integer');
  }
  return config;
}

export function commissionModelOf(config: CommissionConfig): CommissionModel {
  switch (config.kind) {
    case 'none':
      return noCommission;
    case 'per-share':
      return perShareCommission(config);
    case 'flat':
      return flatCommission(config.perTrade);
    case 'bps':
      return basisPointsCommission(config);
  }
}

export function slippageModelOf(config: SlippageConfig): SlippageModel {
  switch (config.kind) {
    case 'none':
      return noSlippage;
    case 'fixed-bps':
      return fixedBpsSlippage(config.bps);
    case 'volatility':
      return volatilitySlippage(config.k);
    case 'volume':
      return volumeSlippage(config);
  }
}
