export {
  BusMetricNames,
  type BusMetricsSource,
  type ConsumerLag,
  registerBusCollector,
} from './bus-collector';
export { BUS_PING_TIMEOUT_MS, type BusHealth, busHealth } from './bus-health';
export { parseExposition, type ScrapedSample, sampleSum } from './exposition';
export {
  AGENT_RESPONSE_BUCKETS_SECONDS,
  type LlmOutcome,
  MetricNames,
  type ProviderOutcome,
  type RateLimitSource,
  registerTradingMetrics,
  type TradingMetrics,
} from './families';
export { type DurableConsumerRef, jetStreamConsumerLag } from './jetstream-lag';
export {
  DEFAULT_METRICS_PORT,
  type HealthReport,
  type HealthStatus,
  type MetricsServer,
  type MetricsServerOptions,
  startMetricsServer,
} from './metrics-server';
export {
  type LlmCallRecord,
  type PortfolioGaugeValues,
  type PortfolioMark,
  portfolioGaugeValues,
  recordCacheLookup,
  recordLlmCall,
  recordPortfolioMark,
} from './recorders';
export { createServiceRegistry, METRIC_PREFIX, type ServiceRegistryOptions } from './registry';
export { type CacheTotalsSync, cacheTotalsSync, type TierTotals } from './running-totals';
