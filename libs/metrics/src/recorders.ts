import type { LlmOutcome, TradingMetrics } from './families';

/** One LLM completion as the LLM layer sees it after the call (or the cache answer). */
export interface LlmCallRecord {
  readonly provider: string;
  readonly model: string;
  readonly outcome: LlmOutcome;
  readonly promptTokens?: number;
  readonly completionTokens?: number;
  /** Estimated from the configured per-token price; omitted when unknown (offline and local models). */
  readonly costUsd?: number;
}

export function recordLlmCall(metrics: TradingMetrics, call: LlmCallRecord): void {
  const { provider, model } = call;
  metrics.llmCalls.inc({ provider, model, outcome: call.outcome });
  if (call.promptTokens) metrics.llmTokens.inc({ provider, model, kind: 'prompt' }, call.promptTokens);
  if (call.completionTokens)
    metrics.llmTokens.inc({ provider, model, kind: 'completion' }, call.completionTokens);
  if (call.costUsd) metrics.llmCostUsd.inc({ provider, model }, call.costUsd);
}

/** Counts one lookup against one cache tier; the hit ratio is hits / (hits + misses) over a window. */
export function recordCacheLookup(
  metrics: TradingMetrics,
  lookup: { readonly cache: string; readonly tier: string; readonly hit: boolean },
): void {
  const labels = { cache: lookup.cache, tier: lookup.tier };
  if (lookup.hit) metrics.cacheHits.inc(labels);
  else metrics.cacheMisses.inc(labels);
}

/** What the portfolio manager knows at a mark: equity, its running peak and the market value on each side. */
export interface PortfolioMark {
  readonly equity: number;
  /** Highest equity seen so far (the high-water mark), including this mark. */
  readonly peakEquity: number;
  readonly longMarketValue: number;
  /** Market value of short positions, as a positive or negative number (its magnitude is used). */
  readonly shortMarketValue: number;
  /** Configured limit as a fraction (0.2 = 20%); exported so alerts follow the live setting. */
  readonly drawdownLimit?: number;
}

export interface PortfolioGaugeValues {
  readonly equity: number;
  readonly drawdown: number;
  readonly grossExposure: number;
  readonly netExposure: number;
}

/**
 * Drawdown as in @ats/performance (1 - E / peak, 0 at a new high); exposures as fractions of equity. With
 * non-positive equity the ratios have no meaning, so exposure reads as +Infinity and drawdown as 1 (fully lost).
 */
export function portfolioGaugeValues(mark: PortfolioMark): PortfolioGaugeValues {
  const long = Math.abs(mark.longMarketValue);
  const short = Math.abs(mark.shortMarketValue);
  if (mark.equity <= 0) {
    return { equity: mark.equity, drawdown: 1, grossExposure: Infinity, netExposure: Infinity };
  }
  const peak = Math.max(mark.peakEquity, mark.equity);
  return {
    equity: mark.equity,
    drawdown: 1 - mark.equity / peak,
    grossExposure: (long + short) / mark.equity,
    netExposure: (long - short) / mark.equity,
  };
}

export function recordPortfolioMark(metrics: TradingMetrics, portfolio: string, mark: PortfolioMark): void {
  const values = portfolioGaugeValues(mark);
  const labels = { portfolio };
  metrics.portfolioEquity.set(labels, values.equity);
  metrics.portfolioDrawdown.set(labels, values.drawdown);
  metrics.portfolioGrossExposure.set(labels, values.grossExposure);
  metrics.portfolioNetExposure.set(labels, values.netExposure);
  if (mark.drawdownLimit !== undefined) metrics.portfolioDrawdownLimit.set(labels, mark.drawdownLimit);
}
