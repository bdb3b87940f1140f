import {
  type MarketDataProvider,
  type ProviderCallRecord,
  type ProviderCallRecorder,
  RateLimitedError,
} from '@ats/market-data';
import type { TradingMetrics } from '@ats/metrics';
import type { z } from 'zod';
import type { GatewayMarketData } from './gateway';

/** Our own request budget refused the call before it left (RateLimiter's refusal, after the `<provider>: ` prefix). */
const LOCAL_BUDGET_REFUSAL = /^[^:]+: local request budget exhausted/;

/**
 * Tells provider refusals apart: our limiter's (local) from the provider's HTTP 429 (remote). The failover chain
 * records both as `rate_limited` calls; the provider wrapper sees the error first and leaves a note per provider,
 * which the recorder then takes instead of counting a remote hit.
 */
export class RateLimitSources {
  readonly #localPending = new Map<string, number>();

  noteLocal(provider: string): void {
    this.#localPending.set(provider, (this.#localPending.get(provider) ?? 0) + 1);
  }

  /** `local` when a local refusal of this provider is still unclaimed, else `remote`. */
  claim(provider: string): 'local' | 'remote' {
    const pending = this.#localPending.get(provider) ?? 0;
    if (pending === 0) return 'remote';
    this.#localPending.set(provider, pending - 1);
    return 'local';
  }
}

/**
 * Provider-call recorder that counts every call in `ats_provider_api_calls_total` by outcome and every refusal in
 * `ats_provider_rate_limit_hits_total`, then hands the call to `inner` (the Postgres audit) when there is one.
 */
export class MeteredProviderCallRecorder implements ProviderCallRecorder {
  constructor(
    private readonly metrics: TradingMetrics,
    private readonly sources: RateLimitSources,
    private readonly inner?: ProviderCallRecorder,
  ) {}

  record(call: ProviderCallRecord): void | Promise<void> {
    const limited = call.errorKind === 'rate_limited';
    // An empty answer is still a call the provider served.
    const outcome = limited ? 'rate_limited' : call.status === 'error' ? 'error' : 'ok';
    this.metrics.providerCalls.inc({ provider: call.provider, outcome });
    if (limited)
      this.metrics.providerRateLimitHits.inc({
        provider: call.provider,
        source: this.sources.claim(call.provider),
      });
    return this.inner?.record(call);
  }
}

/** The provider unchanged, except that its local-budget refusals are noted for the recorder. */
export function noteLocalRefusals(
  provider: MarketDataProvider,
  sources: RateLimitSources,
): MarketDataProvider {
  const noted = <T>(call: Promise<T>): Promise<T> =>
    call.catch((error: unknown) => {
      if (error instanceof RateLimitedError && LOCAL_BUDGET_REFUSAL.test(error.message))
        sources.noteLocal(provider.name);
      throw error;
    });
  return {
    name: provider.name,
    fetchBars: (query) => noted(provider.fetchBars(query)),
    ...(provider.fetchQuote && {
      fetchQuote: (symbol: string) =>
        noted((provider.fetchQuote as NonNullable<typeof provider.fetchQuote>)(symbol)),
    }),
    ...(provider.fetchNews && {
      fetchNews: (query) => noted((provider.fetchNews as NonNullable<typeof provider.fetchNews>)(query)),
    }),
  };
}

/**
 * The gateway's market data with every failed lookup counted in `ats_errors_total` (component
 * `market-data.<operation>`, kind = error class) before the request services turn it into an error reply.
 */
export function countingFailures(marketData: GatewayMarketData, metrics: TradingMetrics): GatewayMarketData {
  const counted = <T>(operation: string, call: () => Promise<T>): Promise<T> =>
    call().catch((error: unknown) => {
      metrics.errors.inc({
        component: `market-data.${operation}`,
        kind: error instanceof Error ? error.name : 'Error',
      });
      throw error;
    });
  return {
    getBars: (query) => counted('bars', () => marketData.getBars(query)),
    getQuote: (symbol) => counted('quote', () => marketData.getQuote(symbol)),
    getNews: (query) => counted('news', () => marketData.getNews(query)),
    rememberIndicators<S extends z.ZodType>(key: string, schema: S, compute: () => Promise<z.output<S>>) {
      return counted('indicators', () => marketData.rememberIndicators(key, schema, compute));
    },
  };
}
