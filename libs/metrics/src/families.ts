import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Names of the metric families the trading services record; alert rules and dashboards refer to these. */
export const MetricNames = {
  agentResponseSeconds: 'ats_agent_response_seconds',
  llmCalls: 'ats_llm_calls_total',
  llmTokens: 'ats_llm_tokens_total',
  llmCostUsd: 'ats_llm_cost_usd_total',
  providerCalls: 'ats_provider_api_calls_total',
  providerRateLimitHits: 'ats_provider_rate_limit_hits_total',
  errors: 'ats_errors_total',
  cacheHits: 'ats_cache_hits_total',
  cacheMisses: 'ats_cache_misses_total',
  portfolioEquity: 'ats_portfolio_equity',
  portfolioDrawdown: 'ats_portfolio_drawdown_ratio',
  portfolioDrawdownLimit: 'ats_portfolio_drawdown_limit_ratio',
  portfolioGrossExposure: 'ats_portfolio_gross_exposure_ratio',
  portfolioNetExposure: 'ats_portfolio_net_exposure_ratio',
} as const;

/**
 * Agent latency spans rule-based agents (milliseconds) to LLM agents with retries (tens of seconds); the
 * buckets put boundaries where the alert and SLO thresholds sit (1 s, 10 s, 30 s).
 */
export const AGENT_RESPONSE_BUCKETS_SECONDS = [
  0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60,
] as const;

export type LlmOutcome = 'ok' | 'error' | 'cached';
export type ProviderOutcome = 'ok' | 'error' | 'rate_limited';
/** `local`: our own limiter made the caller wait; `remote`: the provider refused (HTTP 429), a real violation. */
export type RateLimitSource = 'local' | 'remote';

/** The metric families of one service; unused families simply stay empty in its scrape. */
export interface TradingMetrics {
  readonly agentResponse: Histogram<'agent' | 'provider' | 'model'>;
  readonly llmCalls: Counter<'provider' | 'model' | 'outcome'>;
  readonly llmTokens: Counter<'provider' | 'model' | 'kind'>;
  readonly llmCostUsd: Counter<'provider' | 'model'>;
  readonly providerCalls: Counter<'provider' | 'outcome'>;
  readonly providerRateLimitHits: Counter<'provider' | 'source'>;
  readonly errors: Counter<'component' | 'kind'>;
  readonly cacheHits: Counter<'cache' | 'tier'>;
  readonly cacheMisses: Counter<'cache' | 'tier'>;
  readonly portfolioEquity: Gauge<'portfolio'>;
  readonly portfolioDrawdown: Gauge<'portfolio'>;
  readonly portfolioDrawdownLimit: Gauge<'portfolio'>;
  readonly portfolioGrossExposure: Gauge<'portfolio'>;
  readonly portfolioNetExposure: Gauge<'portfolio'>;
}

/** Registers every trading metric family on `registry` (once per registry). */
export function registerTradingMetrics(registry: Registry): TradingMetrics {
  const registers = [registry];
  return {
    agentResponse: new Histogram({
      name: MetricNames.agentResponseSeconds,
      help: 'Time from an analyze request to the agent reply, seconds',
      labelNames: ['agent', 'provider', 'model'],
      buckets: [...AGENT_RESPONSE_BUCKETS_SECONDS],
      registers,
    }),
    llmCalls: new Counter({
      name: MetricNames.llmCalls,
      help: 'LLM completions by outcome (cached = answered from the response cache, no provider call)',
      labelNames: ['provider', 'model', 'outcome'],
      registers,
    }),
    llmTokens: new Counter({
      name: MetricNames.llmTokens,
      help: 'LLM tokens billed by the provider, by kind (prompt or completion)',
      labelNames: ['provider', 'model', 'kind'],
      registers,
    }),
    llmCostUsd: new Counter({
      name: MetricNames.llmCostUsd,
      help: 'Estimated LLM spend in US dollars (tokens times the configured price)',
      labelNames: ['provider', 'model'],
      registers,
    }),
    providerCalls: new Counter({
      name: MetricNames.providerCalls,
      help: 'Market-data provider API calls by outcome',
      labelNames: ['provider', 'outcome'],
      registers,
    }),
    providerRateLimitHits: new Counter({
      name: MetricNames.providerRateLimitHits,
      help: 'Rate-limit hits: local = our limiter delayed a call, remote = the provider refused it (HTTP 429)',
      labelNames: ['provider', 'source'],
      registers,
    }),
    errors: new Counter({
      name: MetricNames.errors,
      help: 'Errors by component and error class',
      labelNames: ['component', 'kind'],
      registers,
    }),
    cacheHits: new Counter({
      name: MetricNames.cacheHits,
      help: 'Cache lookups answered by this tier',
      labelNames: ['cache', 'tier'],
      registers,
    }),
    cacheMisses: new Counter({
      name: MetricNames.cacheMisses,
      help: 'Cache lookups this tier could not answer',
      labelNames: ['cache', 'tier'],
      registers,
    }),
    portfolioEquity: new Gauge({
      name: MetricNames.portfolioEquity,
      help: 'Portfolio equity (cash plus marked positions), account currency',
      labelNames: ['portfolio'],
      registers,
    }),
    portfolioDrawdown: new Gauge({
      name: MetricNames.portfolioDrawdown,
      help: 'Fraction below the high-water mark, 1 - equity / peak equity (0.2 = 20% down)',
      labelNames: ['portfolio'],
      registers,
    }),
    portfolioDrawdownLimit: new Gauge({
      name: MetricNames.portfolioDrawdownLimit,
      help: 'Configured drawdown limit as a fraction, so alerts compare against the live setting',
      labelNames: ['portfolio'],
      registers,
    }),
    portfolioGrossExposure: new Gauge({
      name: MetricNames.portfolioGrossExposure,
      help: 'Gross exposure, (long + |short| market value) / equity',
      labelNames: ['portfolio'],
      registers,
    }),
    portfolioNetExposure: new Gauge({
      name: MetricNames.portfolioNetExposure,
      help: 'Net exposure, (long - |short| market value) / equity',
      labelNames: ['portfolio'],
      registers,
    }),
  };
}
