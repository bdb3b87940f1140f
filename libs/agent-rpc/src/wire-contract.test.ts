import {
  PortfolioManagerAgent,
  RiskManagerAgent,
  SentimentAgent,
  SymbolFeed,
  TechnicalAgent,
} from '@ats/agents';
import {
  AgentMessages,
  type Bar,
  BarColumnsSchema,
  BarSchema,
  type DecisionContextPayload,
  DecisionContextSchema,
} from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import {
  barsToColumns,
  columnsToBars,
  contextFromWire,
  contextToWire,
  MixedHistoryError,
} from './wire-context';

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
    const sent = { ctx: contextToWire(ctx), priorDecisions: [] };
    expect(AgentMessages.analyzeSignalRequest.schema.parse(sent)).toEqual(sent);
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
    const portfolioSent = { ...portfolioRequest, ctx: contextToWire(ctx) };
    expect(AgentMessages.planPortfolioRequest.schema.parse(portfolioSent)).toEqual(portfolioSent);
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
        ctx: { ...contextToWire(ctx), correlationId: 'short', equityHistory: [Number.NaN] },
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

describe('histories as columns on the wire', () => {
  /** Bars as a source may hand them: some with adjClose, one time not in the canonical form, one split-adjusted. */
  const mixed: Bar[] = bars('CCC', 0.002)
    .slice(0, 6)
    .map((bar, i) => ({
      ...bar,
      ...(i % 2 === 0 ? { adjClose: bar.close * 0.97 } : {}),
      ...(i === 3 ? { ts: bar.ts.replace('.000Z', 'Z'), adjusted: true } : {}),
    }));

  it('give back each bar as BarSchema parses it, keys and order included', () => {
    const columns = barsToColumns('CCC', mixed);
    const decoded = columnsToBars(BarColumnsSchema.parse(JSON.parse(JSON.stringify(columns))));
    const expected = mixed.map((bar) => BarSchema.parse(bar));
    expect(decoded).toEqual(expected);
    expect(decoded.map((bar) => JSON.stringify(bar))).toEqual(expected.map((bar) => JSON.stringify(bar)));
    expect(decoded[3]?.ts).toBe(mixed[3]?.ts);
    // No bar with adjClose: no column for it.
    expect(barsToColumns('CCC', mixed.slice(1, 2))).not.toHaveProperty('adjClose');
    expect(columnsToBars(barsToColumns('CCC', []))).toEqual([]);
  });

  it('deliver the context the object contract delivered, and the same decisions', () => {
    const ctx = context();
    const wire = AgentMessages.analyzeSignalRequest.schema.parse(
      JSON.parse(JSON.stringify({ ctx: contextToWire(ctx), priorDecisions: [] })),
    );
    const received = contextFromWire(wire.ctx);
    expect(received).toEqual(DecisionContextSchema.parse(JSON.parse(JSON.stringify(ctx))));
    const technical = new TechnicalAgent().decide({ ctx: received, priorDecisions: [] });
    expect(technical).toEqual(new TechnicalAgent().decide({ ctx, priorDecisions: [] }));
    const decisions = [...technical, ...new SentimentAgent().decide({ ctx, priorDecisions: technical })];
    expect(new RiskManagerAgent().decide({ ctx: received, priorDecisions: decisions })).toEqual(
      new RiskManagerAgent().decide({ ctx, priorDecisions: decisions }),
    );
  });

  it('are made once per history, and again if a history array has grown since', () => {
    const ctx = context();
    const first = contextToWire(ctx).snapshots[0]?.bars;
    expect(contextToWire(ctx).snapshots[0]?.bars).toBe(first);
    const history = ctx.snapshots[0]?.history as Bar[];
    const last = history[history.length - 1] as Bar;
    history.push({ ...last, ts: new Date(Date.parse(last.ts) + 86_400_000).toISOString() });
    const again = contextToWire(ctx).snapshots[0]?.bars;
    expect(again?.ts).toHaveLength(history.length);
    expect(again?.ts.at(-1)).toBe(history.at(-1)?.ts);
  });

  it('are about 40% smaller than Bar objects', () => {
    const ctx = context();
    const objects = JSON.stringify(ctx).length;
    const columns = JSON.stringify(contextToWire(ctx)).length;
    expect(columns / objects).toBeLessThan(0.65);
  });

  it('reject columns of unequal length and bars BarSchema rejects, with their paths', () => {
    const good = barsToColumns('CCC', mixed);
    const paths = (v: unknown) =>
      (BarColumnsSchema.safeParse(v).error?.issues ?? []).map((i) => i.path.join('.'));
    expect(paths(good)).toEqual([]);
    expect(
      paths({ ...good, volume: good.volume.slice(1), adjClose: [...(good.adjClose ?? []), null] }),
    ).toEqual(['volume', 'adjClose']);
    // Not arrays at all: an issue at the column, no exception out of the schema.
    expect(paths({ ...good, open: null, adjClose: 'x', ts: {} })).toEqual(['ts', 'open', 'adjClose']);
    const high = [...good.high];
    high[2] = (good.low[2] as number) / 2;
    expect(paths({ ...good, high })).toEqual(['high.2']);
    expect(
      paths({ ...good, ts: ['2024-01-02', ...good.ts.slice(1)], open: [0, ...good.open.slice(1)] }),
    ).toEqual([
      'ts.0',
      'open.0',
      // as BarSchema reports such a bar: its high/low rule is checked too, and low > open = 0 fails it
      'high.0',
    ]);
  });

  it('refuse a history that mixes symbols or timeframes instead of relabelling a bar', () => {
    expect(() => barsToColumns('CCC', [...mixed, { ...(mixed[0] as Bar), symbol: 'DDD' }])).toThrow(
      MixedHistoryError,
    );
    expect(() => barsToColumns('DDD', mixed)).toThrow(/history of DDD holds a CCC 1d bar/);
  });
});
