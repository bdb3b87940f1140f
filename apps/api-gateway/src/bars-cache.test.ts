import { ManualClock } from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import { BarsCache } from './bars-cache';

const response = { symbol: 'AAPL', timeframe: '1d' as const, provider: 'local-csv', count: 0, bars: [] };

describe('bars cache', () => {
  it('keeps ranges that ended before today (UTC) and never one that reaches today', () => {
    const cache = new BarsCache(new ManualClock('2024-03-15T15:00:00Z'));
    const closed = { symbol: 'AAPL', timeframe: '1d', from: '2024-01-01', to: '2024-03-14' };
    const open = { ...closed, to: '2024-03-15' };
    expect(cache.put(closed, response).toString()).toBe(JSON.stringify(response));
    cache.put(open, response);
    expect(cache.get(closed)?.toString()).toBe(JSON.stringify(response));
    expect(cache.get(open)).toBeUndefined();
    expect(cache.get({ ...closed, symbol: 'MSFT' })).toBeUndefined();
    expect(cache.stats()).toEqual({ entries: 1, hits: 1, misses: 2 });
  });
});
