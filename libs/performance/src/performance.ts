import { annualTurnover, meanExposure } from './activity';
import { alphaBeta } from './benchmark';
import { ROLLING_SHARPE_WINDOW, VAR_TAIL_95, VAR_TAIL_99 } from './constants';
import { analyseDrawdowns, calmarRatio, drawdownSeries } from './drawdown';
import { PerformanceInputError } from './errors';
import { type MonthlyReturnsRow, monthlyReturnsTable } from './monthly-returns';
import { assertValidEquityCurve, compoundAnnualGrowthRate, dailyReturns, totalReturn } from './returns';
import {
  annualVolatility,
  dailyRiskFreeRate,
  rollingSharpe,
  sharpeRatio,
  sortinoRatio,
} from './risk-adjusted';
import { extremeDays, historicalTailRisk } from './tail-risk';
import { type TradeStatistics, tradeStatistics } from './trade-statistics';
import type { DatedOptionalValue, DatedValue, PerformanceInput, PerformanceOptions } from './types';

/** Headline figures of a series of values (strategy or benchmark). Fractions, not percent. */
export interface ReturnMetrics {
  readonly totalReturn: number;
  readonly cagr: number | null;
  readonly annualVolatility: number | null;
  readonly sharpe: number | null;
  readonly sortino: number | null;
  readonly maxDrawdown: number;
  readonly calmar: number | null;
}

/** Every scalar metric of one run. See docs/metrics.md (generated from METRIC_DEFINITIONS) for the formulas. */
export interface PerformanceMetrics extends ReturnMetrics, TradeStatistics {
  readonly periodStart: string;
  readonly periodEnd: string;
  /** Number of equity points (bars). */
  readonly bars: number;
  /** Number of daily returns, n = bars − 1. */
  readonly tradingDays: number;
  readonly startEquity: number;
  readonly endEquity: number;
  readonly riskFreeRate: number;
  readonly maxDrawdownPeakTs: string | null;
  readonly maxDrawdownTroughTs: string | null;
  readonly maxDrawdownRecoveryTs: string | null;
  readonly maxDrawdownDurationBars: number;
  readonly longestUnderwaterBars: number;
  readonly exposure: number | null;
  readonly turnover: number | null;
  readonly alpha: number | null;
  readonly beta: number | null;
  readonly valueAtRisk95: number | null;
  readonly conditionalValueAtRisk95: number | null;
  readonly valueAtRisk99: number | null;
  readonly conditionalValueAtRisk99: number | null;
  readonly bestDay: DatedValue | null;
  readonly worstDay: DatedValue | null;
  /** The benchmark's own figures over the same bars; null when any bar lacks a positive benchmark value. */
  readonly benchmark: ReturnMetrics | null;
}

export interface PerformanceReport {
  readonly metrics: PerformanceMetrics;
  readonly dailyReturns: readonly DatedValue[];
  readonly drawdown: readonly DatedValue[];
  readonly rollingSharpe: readonly DatedOptionalValue[];
  readonly monthlyReturns: readonly MonthlyReturnsRow[];
}

function returnMetrics(
  values: readonly number[],
  timestamps: readonly string[],
  dailyRf: number,
): ReturnMetrics {
  const returns = dailyReturns(values, timestamps).map((r) => r.value);
  const cagr = compoundAnnualGrowthRate(values);
  const { maxDrawdown } = analyseDrawdowns(values, timestamps);
  return {
    totalReturn: totalReturn(values),
    cagr,
    annualVolatility: annualVolatility(returns),
    sharpe: sharpeRatio(returns, dailyRf),
    sortino: sortinoRatio(returns, dailyRf),
    maxDrawdown,
    calmar: calmarRatio(cagr, maxDrawdown),
  };
}

/**
 * All metrics of one backtest run from its daily equity curve, closed trades and fills. Pure: same input, same
 * output. Throws PerformanceInputError for an empty or malformed curve.
 */
export function computePerformance(
  input: PerformanceInput,
  options: PerformanceOptions = {},
): PerformanceReport {
  const curve = input.equityCurve;
  assertValidEquityCurve(curve);
  const riskFreeRate = options.riskFreeRate ?? 0;
  const window = options.rollingSharpeWindow ?? ROLLING_SHARPE_WINDOW;
  if (!Number.isFinite(riskFreeRate) || riskFreeRate <= -1) {
    throw new PerformanceInputError('riskFreeRate must be a finite annual fraction above -1', {
      riskFreeRate,
    });
  }
  if (!Number.isInteger(window) || window < 2) {
    throw new PerformanceInputError('rollingSharpeWindow must be an integer of at least 2', { window });
  }
  const dailyRf = dailyRiskFreeRate(riskFreeRate);
  const timestamps = curve.map((p) => p.ts);
  const equity = curve.map((p) => p.equity);
  const returns = dailyReturns(equity, timestamps);
  const returnValues = returns.map((r) => r.value);

  const benchmarkValues = curve.map((p) => p.benchmark);
  const hasBenchmark = benchmarkValues.every((b) => b !== undefined && Number.isFinite(b) && b > 0);
  const benchmark = hasBenchmark ? (benchmarkValues as number[]) : null;

  const drawdowns = analyseDrawdowns(equity, timestamps);
  const tails95 = historicalTailRisk(returnValues, VAR_TAIL_95);
  const tails99 = historicalTailRisk(returnValues, VAR_TAIL_99);
  const extremes = extremeDays(returns);
  const regression = benchmark
    ? alphaBeta(
        returnValues,
        dailyReturns(benchmark, timestamps).map((r) => r.value),
        dailyRf,
      )
    : null;

  const metrics: PerformanceMetrics = {
    periodStart: timestamps[0]!,
    periodEnd: timestamps[timestamps.length - 1]!,
    bars: curve.length,
    tradingDays: returns.length,
    startEquity: equity[0]!,
    endEquity: equity[equity.length - 1]!,
    riskFreeRate,
    ...returnMetrics(equity, timestamps, dailyRf),
    maxDrawdownPeakTs: drawdowns.peakTs,
    maxDrawdownTroughTs: drawdowns.troughTs,
    maxDrawdownRecoveryTs: drawdowns.recoveryTs,
    maxDrawdownDurationBars: drawdowns.maxDrawdownDurationBars,
    longestUnderwaterBars: drawdowns.longestUnderwaterBars,
    ...tradeStatistics(input.trades ?? []),
    exposure: meanExposure(curve),
    turnover: annualTurnover(input.fills ?? [], curve),
    alpha: regression?.alpha ?? null,
    beta: regression?.beta ?? null,
    valueAtRisk95: tails95?.valueAtRisk ?? null,
    conditionalValueAtRisk95: tails95?.conditionalValueAtRisk ?? null,
    valueAtRisk99: tails99?.valueAtRisk ?? null,
    conditionalValueAtRisk99: tails99?.conditionalValueAtRisk ?? null,
    bestDay: extremes?.best ?? null,
    worstDay: extremes?.worst ?? null,
    benchmark: benchmark ? returnMetrics(benchmark, timestamps, dailyRf) : null,
  };

  return {
    metrics,
    dailyReturns: returns,
    drawdown: drawdownSeries(equity, timestamps),
    rollingSharpe: rollingSharpe(returns, window, dailyRf),
    monthlyReturns: monthlyReturnsTable(equity, timestamps),
  };
}
