import type { Fill, Order, Side, Signal } from '@ats/contracts';
import type { TradeRecord } from '@ats/execution';
import canonicalize from 'canonicalize';
import type { BacktestConfig, BenchmarkConfig } from './config';

export type { TradeRecord } from '@ats/execution';

/** The account at the close of one step. */
export interface EquityPoint {
  ts: string;
  equity: number;
  cash: number;
  /**
   * Benchmark portfolio value, started with the same initial cash at the first point (the close before the first
   * trading day when there is a warm-up); dividends included unless creditDividends is off.
   */
  benchmark: number;
  /** Gross position value / equity. */
  exposure: number;
}

/** One agent's (or one rule's) view of one symbol at a decision time. */
export interface SignalRecord {
  symbol: string;
  agent: string;
  signal: Signal;
  confidence: number;
  reasoning?: string;
}

export interface TargetRecord {
  symbol: string;
  targetWeight?: number;
  targetQuantity?: number;
  score?: number;
  reasoning?: string;
}

/** Everything decided at one decision time, with the orders it produced. */
export interface DecisionRecord {
  ts: string;
  signals: SignalRecord[];
  targets: TargetRecord[];
  orderIds: string[];
  note?: string;
}

/** An order the engine's pre-trade or fill-time checks changed or refused, or that expired unfilled. */
export interface OrderAdjustment {
  ts: string;
  clientOrderId?: string;
  symbol: string;
  side: Side;
  action: 'RESIZED' | 'REJECTED' | 'EXPIRED';
  requestedQuantity: number;
  allowedQuantity: number;
  reason: string;
}

export interface LlmUsage {
  calls: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  cachedCalls: number;
}

export const NO_LLM_USAGE: LlmUsage = {
  calls: 0,
  promptTokens: 0,
  completionTokens: 0,
  costUsd: 0,
  cachedCalls: 0,
};

/** The benchmark as recorded in a result: an outside series by name and length, not its every point. */
export type BenchmarkDescription =
  | Exclude<BenchmarkConfig, { readonly kind: 'series' }>
  | { readonly kind: 'series'; readonly symbol: string; readonly points: number };

/** What produced the result: engine config, strategy and data, all serialisable. */
export interface BacktestRunConfig extends Omit<BacktestConfig, 'benchmark'> {
  benchmark: BenchmarkDescription;
  strategy: { name: string; params: Record<string, unknown> };
  universe: string[];
  from: string;
  to: string;
  dataAdjusted: boolean;
}

export interface BacktestStats {
  barEvents: number;
  symbolDays: number;
  /** Trading steps (after the warm-up). */
  steps: number;
  /** Warm-up steps before `tradeFrom`: bars seen by the strategy, nothing traded. */
  warmupSteps: number;
  /** Wall-clock run time: excluded from the canonical (reproducible) JSON. */
  wallMs: number;
}

export interface BacktestResult {
  config: BacktestRunConfig;
  equityCurve: EquityPoint[];
  fills: Fill[];
  orders: Order[];
  trades: TradeRecord[];
  decisions: DecisionRecord[];
  adjustments: OrderAdjustment[];
  llmUsage: LlmUsage;
  /** Holdings left open at the end (quantity, average price, mark): not in `trades`, which are closed round trips. */
  finalPositions: { symbol: string; quantity: number; averagePrice: number; marketPrice: number }[];
  /** Net cash dividends booked (received on longs, paid on shorts); 0 with creditDividends off. */
  dividends: number;
  stats: BacktestStats;
}

/**
 * The result as RFC 8785 canonical JSON (the `canonicalize` package, as the LLM cache key and the reports use)
 * without wall-clock fields: the same config and data give byte-identical output whatever order the fields were
 * set in, which is what reproducibility checks, golden hashes and result caches compare.
 */
export function canonicalResultJson(result: BacktestResult): string {
  const { wallMs: _wallMs, ...deterministicStats } = result.stats;
  // Through JSON first: a ratio with no value (NaN, ±Infinity) is null there, as in every JSON the product writes;
  // RFC 8785 itself refuses them.
  const plain: unknown = JSON.parse(JSON.stringify({ ...result, stats: deterministicStats }));
  const text = canonicalize(plain);
  if (text === undefined) throw new TypeError('a backtest result with no JSON form');
  return text;
}
