import type { TradingMetrics } from './families';

/** Hit and miss totals of one cache tier since the cache was built, as caches usually keep them. */
export interface TierTotals {
  readonly hits: number;
  readonly misses: number;
}

export interface CacheTotalsSync {
  /** Adds what each tier counted since the last sync to the hit/miss counters. */
  sync(): void;
}

/**
 * Bridges a cache that keeps running totals (e.g. `CachedMarketData.cacheStats()`) to the hit/miss counters
 * without touching the cache: each sync adds the growth since the previous one. Call it before every scrape
 * (`startMetricsServer({ beforeScrape })`). `tierNames` maps the cache's tier keys to the label values the
 * dashboards use (`l1` → `memory`); unmapped keys keep their own name.
 */
export function cacheTotalsSync(
  metrics: TradingMetrics,
  cache: string,
  read: () => Readonly<Record<string, TierTotals>>,
  tierNames: Readonly<Record<string, string>> = {},
): CacheTotalsSync {
  const seen = new Map<string, TierTotals>();
  return {
    sync() {
      for (const [key, totals] of Object.entries(read())) {
        const tier = tierNames[key] ?? key;
        const before = seen.get(key) ?? { hits: 0, misses: 0 };
        // Totals only grow; a smaller number means the cache was rebuilt, so everything it holds is new.
        const hits = totals.hits >= before.hits ? totals.hits - before.hits : totals.hits;
        const misses = totals.misses >= before.misses ? totals.misses - before.misses : totals.misses;
        if (hits > 0) metrics.cacheHits.inc({ cache, tier }, hits);
        if (misses > 0) metrics.cacheMisses.inc({ cache, tier }, misses);
        seen.set(key, { hits: totals.hits, misses: totals.misses });
      }
    },
  };
}
