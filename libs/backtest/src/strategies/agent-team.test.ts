import { type SignalRequest, TechnicalAgent } from '@ats/agents';
import { LocalCsvProvider } from '@ats/market-data';
import { describe, expect, it } from 'vitest';
import { loadFeed } from '../csv-feed';
import { runBacktest } from '../engine';
import { canonicalResultJson } from '../result';
import { agentTeamStrategy } from './agent-team';

describe('agentTeamStrategy (offline reasoner) on the shared data set', () => {
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

describe('agentTeamStrategy with stand-in agents and LLM usage', () => {
  it('calls the stand-in instead of the built-in agent, reports usage, and keeps the result', async () => {
    const feed = await loadFeed(new LocalCsvProvider(), ['AAPL', 'MSFT'], {
      from: '2022-01-01',
      to: '2022-06-30',
    });
    const local = new TechnicalAgent();
    const asked: string[] = [];
    // A stand-in as a remote proxy would be: async only, no synchronous path.
    const standIn = {
      config: local.config,
      analyze: async (request: SignalRequest) => {
        asked.push(request.ctx.asOf);
        return local.analyze(request);
      },
    };
    const usage = { calls: 7, promptTokens: 70, completionTokens: 7, costUsd: 0.01, cachedCalls: 2 };
    const config = { rebalance: 'monthly' as const };
    const embedded = await runBacktest({ feed, strategy: agentTeamStrategy(), config });
    const swapped = await runBacktest({
      feed,
      strategy: agentTeamStrategy({ agents: { technical: standIn }, usage: () => usage }),
      config,
    });
    expect(asked).toHaveLength(embedded.decisions.length);
    expect(swapped.llmUsage).toEqual(usage);
    expect(canonicalResultJson({ ...swapped, llmUsage: embedded.llmUsage })).toBe(
      canonicalResultJson(embedded),
    );
  });
});
