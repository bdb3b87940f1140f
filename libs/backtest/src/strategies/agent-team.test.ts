import { LocalCsvProvider } from '@ats/market-data';
import { describe, expect, it } from 'vitest';
import { loadFeed } from '../csv-feed';
import { runBacktest } from '../engine';
import { canonicalResultJson } from '../result';
import { agentTeamStrategy } from './agent-team';

describe('agentTeamStrategy (offline reasoner) on the bundled data', () => {
  it('runs the real agent team point in time, deterministically', async () => {
    const feed = await loadFeed(new LocalCsvProvider(), ['AAPL', 'MSFT', 'NVDA', 'TSLA'], {
      from: '2021-01-01',
      to: '2022-12-31',
    });
    const run = () => runBacktest({ feed, strategy: agentTeamStrategy(), config: { rebalance: 'weekly' } });
    const result = await run();
    expect(result.decisions.length).toBeGreaterThan(90);
    const agents = new Set(result.decisions.flatMap((d) => d.signals.map((s) => s.agent)));
    expect(agents).toEqual(new Set(['technical', 'sentiment', 'portfolio']));
    expect(result.fills.length).toBeGreaterThan(0);
    for (const point of result.equityCurve) expect(point.cash).toBeGreaterThanOrEqual(-1e-6);
    expect(canonicalResultJson(await run())).toBe(canonicalResultJson(result));
  });
});
