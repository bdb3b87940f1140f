import type { AgentCalibration, PerformanceMetrics, PerformanceReport } from '@ats/performance';
import type { ReportDataQuality } from './html/data-quality-section';
import type { ReportWeightPath } from './html/research-section';

/**
 * Structural inputs: the backtester's result objects (EquityPoint, TradeRecord, Fill, decisions, LLM usage) fit
 * these shapes, so reports needs no dependency on @ats/backtest.
 */

export interface ReportEquityPoint {
  readonly ts: string;
  readonly equity: number;
  readonly cash?: number;
  readonly benchmark?: number;
  readonly exposure?: number;
}

export interface ReportTrade {
  readonly symbol: string;
  readonly side: 'LONG' | 'SHORT';
  readonly entryTs: string;
  readonly exitTs: string;
  readonly quantity: number;
  readonly entryPrice: number;
  readonly exitPrice: number;
  readonly pnl: number;
  /** Return of the round trip as a fraction (0.05 = +5%). */
  readonly returnPct: number;
  readonly commission: number;
  readonly holdingBars: number;
}

export interface ReportFill {
  readonly fillId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: string;
  readonly quantity: number;
  readonly price: number;
  readonly commission: number;
  readonly slippage: number;
  readonly filledAt: string;
}

/** One agent's view of one symbol at one decision time. */
export interface AgentView {
  readonly agent: string;
  readonly signal: string;
  readonly confidence: number;
  readonly reasoning: string;
}

/** What every agent said about a symbol at a decision time, and the target weight the portfolio settled on. */
export interface DecisionRecord {
  readonly ts: string;
  readonly symbol: string;
  readonly agents: readonly AgentView[];
  /** Final target weight of the symbol as a fraction of equity (negative = short). */
  readonly targetWeight: number;
}

export interface LlmUsage {
  readonly calls: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly costUsd: number;
  readonly cachedCalls: number;
  /** The decision time from which the LLM budget left the decisions to the rules (absent: it never did). */
  readonly budgetExhaustedAt?: string;
  /** The run (full team or attribution variant) in which the budget ran out. */
  readonly budgetExhaustedInVariant?: string;
}

/** Headline figures the attribution table compares; a full PerformanceMetrics object fits. */
export type AttributionMetrics = Pick<
  PerformanceMetrics,
  'totalReturn' | 'cagr' | 'sharpe' | 'sortino' | 'maxDrawdown' | 'winRate' | 'tradeCount'
>;

/** One run of an agent ablation: 'all', 'without technical', 'technical only', … */
export interface AttributionRow {
  readonly variant: string;
  readonly metrics: AttributionMetrics;
}

/** One agent's calls in the named and the anonymised run, side by side. */
export interface ProbeDecisionRow {
  readonly ts: string;
  readonly symbol: string;
  readonly agent: string;
  readonly named: { readonly signal: string; readonly confidence: number };
  readonly anonymised: { readonly signal: string; readonly confidence: number };
}

/** How often an agent said the same thing with and without knowing which company and which dates it saw. */
export interface ProbeAgentAgreement {
  readonly agent: string;
  /** Calls present in both runs (same decision time, symbol and agent). */
  readonly compared: number;
  readonly sameSignal: number;
  /** sameSignal / compared (null without calls). */
  readonly agreement: number | null;
  /** Mean |confidence named − confidence anonymised| over the compared calls. */
  readonly meanAbsConfidenceGap: number | null;
}

/**
 * The memorisation probe: the same LLM backtest with tickers and company names replaced by neutral ids and dates
 * shifted by a constant, beside the named run. A model that trades on what it remembers about the real names and
 * dates loses that edge in the anonymised run; the gap is the measure.
 */
export interface MemorisationProbeReport {
  /** Days every date in the anonymised prompts was moved by (whole weeks: weekdays kept). */
  readonly dateShiftDays: number;
  /** Which neutral id stood for which ticker (company names were replaced by the same ids). */
  readonly aliases: readonly { readonly symbol: string; readonly neutralId: string }[];
  readonly named: AttributionMetrics;
  readonly anonymised: AttributionMetrics;
  /** named − anonymised, per headline figure (null where either is undefined). */
  readonly gap: {
    readonly totalReturn: number | null;
    readonly sharpe: number | null;
    readonly maxDrawdown: number | null;
    readonly tradeCount: number;
  };
  readonly agreement: readonly ProbeAgentAgreement[];
  /** Every agent call of both runs, side by side (the tear sheet shows the ones that differ). */
  readonly decisions: readonly ProbeDecisionRow[];
}

export interface BacktestReportInput {
  readonly title: string;
  /** The run's configuration as the user gave it (symbols, dates, capital, costs, agent weights, …). */
  readonly config: Readonly<Record<string, unknown>>;
  /** computePerformance(...) of the run. */
  readonly performance: PerformanceReport;
  readonly equityCurve: readonly ReportEquityPoint[];
  readonly trades: readonly ReportTrade[];
  readonly fills?: readonly ReportFill[];
  readonly decisions?: readonly DecisionRecord[];
  readonly llmUsage?: LlmUsage;
  readonly attribution?: readonly AttributionRow[];
  /** What the benchmark column is, e.g. "SPY (total return)"; default "Benchmark". */
  readonly benchmarkName?: string;
  /** Notes on the data the run used (repairs, zero-volume days, dividends credited), shown with the summary. */
  readonly dataNotes?: readonly string[];
  /** The data check of the run (dropped rows, duplicates, gaps, spikes, uncovered dates); omitted → not shown. */
  readonly dataQuality?: ReportDataQuality;
  /** Per-agent calibration of the run's calls against realised forward returns; omitted → not shown. */
  readonly calibration?: readonly AgentCalibration[];
  /** The adaptive consensus weights of each run that used them; omitted → not shown. */
  readonly weightPaths?: readonly ReportWeightPath[];
  /** The memorisation probe (--anonymise): the named and the anonymised run side by side; omitted → not shown. */
  readonly memorisationProbe?: MemorisationProbeReport;
  /** When the report was produced (from the injected clock); omitted → not shown, keeping output reproducible. */
  readonly generatedAt?: string;
}
