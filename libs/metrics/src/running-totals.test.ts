import { describe, expect, it } from 'vitest';
import { registerTradingMetrics } from './families';
import { createServiceRegistry } from './registry';
import { cacheTotalsSync, type TierTotals } from './running-totals';

describe('cacheTotalsSync', () => {
  it('adds only the growth since the last sync, under the dashboard tier names', async () => {
    const registry = createServiceRegistry({ service: 't', processMetrics: false });
    const metrics = registerTradingMetrics(registry);
    let totals: Record<string, TierTotals> = { l1: { hits: 3, misses: 1 }, l3: { hits: 0, misses: 2 } };
    const sync = cacheTotalsSync(metrics, 'market-data', () => totals, { l1: 'memory', l3: 'postgres' });
    sync.sync();
    totals = { l1: { hits: 10, misses: 1 }, l3: { hits: 1, misses: 2 } };
    sync.sync();
    sync.sync();
    const hits = await metrics.cacheHits.get();
    const misses = await metrics.cacheMisses.get();
    const value = (rows: typeof hits.values, tier: string) =>
      rows.find((r) => r.labels.tier === tier && r.labels.cache === 'market-data')?.value;
    expect(value(hits.values, 'memory')).toBe(10);
    expect(value(hits.values, 'postgres')).toBe(1);
    expect(value(misses.values, 'memory')).toBe(1);
    expect(value(misses.values, 'postgres')).toBe(2);
  });
});
