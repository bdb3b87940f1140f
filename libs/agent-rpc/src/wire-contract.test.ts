import {
  PortfolioManagerAgent,
  RiskManagerAgent,
  SentimentAgent,
  SymbolFeed,
  TechnicalAgent,
} from '@ats/agents';
import { AgentMessages, type Bar, type DecisionContextPayload } from '@ats/contracts';
import { describe, expect, it } from 'vitest';

/** A smooth synthetic uptrend with a wobble: enough bars for every indicator and the risk figures. */
function bars(symbol: string, drift: number): Bar[] {
  return Array.from({ length: 300 }, (_, i) => {
    const close = 100 * (1 + drift) ** i * (1 + 0.01 * Math.sin(i / 3));
    return {
      symbol,
      timeframe: '1d',
      ts: new Date(Date.UTC(2022, 0, 3) + i * 86_400_000).toISOString(),
      open: close * 0.995,
      high: close * 1.01,
      low: close * 0.99,
      close,
      volume: 1_000_000 + 1000 * i,
      adjusted: false,
    };
  });
}

function context(): DecisionContextPayload {
  const snapshots = [
    ['AAA', 0.001],
    ['BBB', -0.0005],
  ].map(([symbol, drift]) => {
    const feed = new SymbolFeed(symbol as string);
    for (const bar of bars(symbol as string, drift as number)) feed.push(bar);
    return feed.snapshot();
  });
  const asOf = snapshots[0]?.asOf as string;
  return {
    asOf,
    correlationId: 'cycle-wire-contract',
    snapshots,
    news: [],
    portfolio: {
      asOf,
      cash: 90_000,
      equity: 100_000,
      positions: [{ symbol: 'AAA', quantity: 10, averagePrice: 900, realizedPnl: 0 }],
    },
    equityHistory: [100_000],
  };
}

describe('agent RPC contracts', () => {
  it('carry what the local agents take and return, unchanged', () => {
    const ctx = context();
    const request = { ctx, priorDecisions: [] };
    expect(AgentMessages.analyzeSignalRequest.schema.parse(request)).toEqual(request);
    const technical = new TechnicalAgent().decide(request);
    const sentiment = new SentimentAgent().decide({ ctx, priorDecisions: technical });
    const decisions = [...technical, ...sentiment];
    expect(AgentMessages.signalBatch.schema.parse({ decisions })).toEqual({ decisions });
    const risk = new RiskManagerAgent().decide({ ctx, priorDecisions: decisions });
    expect(AgentMessages.riskReport.schema.parse(risk)).toEqual(risk);
    const portfolioRequest = {
      ctx,
      decisions,
      risk,
      degraded: [{ agent: 'sentiment', reason: 'timed out' }],
    };
    expect(AgentMessages.planPortfolioRequest.schema.parse(portfolioRequest)).toEqual(portfolioRequest);
    const plan = new PortfolioManagerAgent().decide(portfolioRequest);
    expect(AgentMessages.portfolioPlan.schema.parse(plan)).toEqual(plan);
  });

  it('reject every malformed field with its path', () => {
    const ctx = context();
    const paths = (
      schema: { safeParse(v: unknown): { error?: { issues: { path: PropertyKey[] }[] } } },
      v: unknown,
    ) => (schema.safeParse(v).error?.issues ?? []).map((i) => i.path.join('.'));
    expect(
      paths(AgentMessages.analyzeSignalRequest.schema, {
        ctx: { ...ctx, correlationId: 'short', equityHistory: [Number.NaN] },
        priorDecisions: [
          { agent: 'macro', symbol: 'AAA', signal: 'BUY', confidence: 1.5, reasoning: '', ts: ctx.asOf },
        ],
        symbols: ['aaa'],
        horizon: 'short',
      }),
    ).toEqual([
      'ctx.correlationId',
      'ctx.equityHistory.0',
      'priorDecisions.0.agent',
      'priorDecisions.0.confidence',
      'priorDecisions.0.reasoning',
      'symbols.0',
      'horizon',
    ]);
    const risk = new RiskManagerAgent().decide({ ctx, priorDecisions: [] });
    // NaN becomes null in JSON: a correlation that could not be computed must not pass as data.
    const broken = JSON.parse(
      JSON.stringify({
        ...risk,
        correlation: {
          ...risk.correlation,
          matrix: [
            [1, Number.NaN],
            [Number.NaN, 1],
          ],
        },
      }),
    );
    expect(paths(AgentMessages.riskReport.schema, broken)).toEqual([
      'correlation.matrix.0.1',
      'correlation.matrix.1.0',
    ]);
    expect(
      paths(AgentMessages.heartbeat.schema, {
        service: 'technical-agent',
        instanceId: 'x',
        agent: 'technical',
        ts: '2024-01-02 10:00',
        inflight: -1,
        handled: 1.5,
        version: '',
      }),
    ).toEqual(['ts', 'inflight', 'handled', 'version']);
  });
});
