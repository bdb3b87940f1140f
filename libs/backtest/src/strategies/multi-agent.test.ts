import type { Bar, MarketSnapshot, NewsItem } from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../engine';
import { randomWalkFeed } from '../random-walk';
import type { AgentCycleOutcome, AgentDecisionContext, AgentTeamPort, SnapshotSource } from './multi-agent';
import { multiAgentStrategy } from './multi-agent';

/** Keeps every bar; snapshots carry the last 20. */
function simpleSource(symbol: string): SnapshotSource {
  const bars: Bar[] = [];
  return {
    push: (bar) => void bars.push(bar),
    snapshot: ({ asOf, news }): MarketSnapshot => {
      const last = bars[bars.length - 1] as Bar;
      return {
        symbol,
        asOf: asOf ?? last.ts,
        price: last.close,
        volume: last.volume,
        ohlc: { open: last.open, high: last.high, low: last.low, close: last.close },
        indicators: {},
        history: bars.slice(-20),
        news: (news ?? []).filter((n) => n.symbols.includes(symbol)),
      };
    },
  };
}

/** Momentum team: 20% in each symbol whose snapshot history rose; checks it never sees the future. */
function momentumTeam(seen: AgentDecisionContext[]): AgentTeamPort {
  return {
    async runCycle(ctx): Promise<AgentCycleOutcome> {
      seen.push(ctx);
      for (const s of ctx.snapshots) {
        for (const bar of s.history)
          if (bar.ts >= ctx.asOf) throw new Error(`future bar ${bar.ts} at ${ctx.asOf}`);
      }
      for (const n of ctx.news) if (n.publishedAt > ctx.asOf) throw new Error(`future news ${n.id}`);
      const rising = ctx.snapshots.filter((s) => s.price > (s.history[0]?.close ?? s.price));
      return {
        decisions: ctx.snapshots.map((s) => ({
          agent: 'technical',
          symbol: s.symbol,
          signal: rising.includes(s) ? 'BUY' : 'SELL',
          confidence: 0.6,
          reasoning: 'momentum over the snapshot history',
          supportingData: {},
          ts: ctx.asOf,
        })),
        risk: {
          asOf: ctx.asOf,
          valueAtRisk95: 0,
          valueAtRisk99: 0,
          conditionalValueAtRisk95: 0,
          conditionalValueAtRisk99: 0,
          currentDrawdown: 0,
          drawdownLimit: 0.2,
          maxWeightBySymbol: {},
          vetoes: [],
          reasoning: 'test',
        },
        targets: rising.map((s) => ({
          symbol: s.symbol,
          targetWeight: 0.2,
          score: 0.5,
          reasoning: 'rising',
        })),
        degraded: [],
      };
    },
  };
}

describe('multiAgentStrategy', () => {
  it('runs the team on point-in-time snapshots and trades to its target weights', async () => {
    const feed = randomWalkFeed({ symbols: 5, days: 120, seed: 11 });
    const news: NewsItem[] = feed.timestamps.map((ts, i) => ({
      id: `n${i}`,
      source: 'test',
      // Published at noon of each day: visible at that day's close, never before.
      publishedAt: new Date(Date.parse(ts) + 12 * 3_600_000).toISOString(),
      title: `news ${i}`,
      summary: '',
      symbols: ['S0001'],
    }));
    const seen: AgentDecisionContext[] = [];
    const result = await runBacktest({
      feed,
      strategy: multiAgentStrategy({ team: momentumTeam(seen), createSnapshotSource: simpleSource, news }),
      config: { rebalance: 'weekly', maxWeightPerSymbol: 0.25 },
    });
    expect(seen.length).toBe(result.decisions.length);
    expect(seen.length).toBeGreaterThanOrEqual(24);
    // Decision time = close of bar t; the snapshot's last bar is bar t.
    const first = seen[0] as AgentDecisionContext;
    expect(first.asOf).toBe('2014-01-03T00:00:00.000Z');
    expect(first.snapshots[0]?.history.at(-1)?.ts).toBe('2014-01-02T00:00:00.000Z');
    expect(first.news.map((n) => n.id)).toEqual(['n0']);
    expect(result.decisions[3]?.signals).toHaveLength(5);
    expect(result.fills.length).toBeGreaterThan(5);
    // Holdings after each rebalance follow the targets: never more than 5 × 20% plus drift.
    for (const point of result.equityCurve) expect(point.exposure).toBeLessThanOrEqual(1 + 1e-9);
    // Orders are submitted at the decision close (the next daily bar's open time, as in the paper path) and fill
    // on a later bar, never the decision's own.
    for (const fill of result.fills) {
      const order = result.orders.find((o) => o.clientOrderId === fill.clientOrderId);
      const decidedOn = result.decisions.find((d) => d.orderIds.includes(fill.clientOrderId))?.ts ?? '';
      expect(fill.filledAt >= (order?.submittedAt ?? '')).toBe(true);
      expect(fill.filledAt > decidedOn).toBe(true);
    }
  });
});
