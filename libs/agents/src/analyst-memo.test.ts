import { describe, expect, it } from 'vitest';
import { AnalystDecisionMemo } from './analyst-memo';
import type { LlmClient } from './llm';
import { SentimentAgent } from './sentiment/sentiment-agent';
import { createAgentTeam } from './team';
import { TechnicalAgent } from './technical/technical-agent';
import { contextAt } from './testing/market-fixtures';
import type { DecisionContext, SignalAgent, SignalRequest } from './types';

/** `agent` counting the calls of its rule path. */
function counted<T extends TechnicalAgent | SentimentAgent>(agent: T): { agent: T; calls: () => number } {
  let calls = 0;
  const decide = agent.decide.bind(agent);
  agent.decide = (request: SignalRequest) => {
    calls += 1;
    return decide(request);
  };
  return { agent, calls: () => calls };
}

/** The same decision time as another run would see it: its own correlation id and its own book. */
function otherRun(ctx: DecisionContext): DecisionContext {
  return {
    ...ctx,
    correlationId: `${ctx.correlationId}-other-run`,
    portfolio: {
      ...ctx.portfolio,
      cash: 20_000,
      positions: [{ symbol: 'AAPL', quantity: 300, averagePrice: 120, marketPrice: 150, realizedPnl: 0 }],
    },
  };
}

describe('AnalystDecisionMemo', () => {
  it("answers a second run's ask with what the agent decides, under the asking run's correlation id", () => {
    const memo = new AnalystDecisionMemo();
    const technical = counted(new TechnicalAgent());
    const shared = memo.wrap('technical', technical.agent) as TechnicalAgent;
    const ctx = contextAt(400);
    const first = shared.decide({ ctx, priorDecisions: [] });
    const other = otherRun(ctx);
    const second = shared.decide({ ctx: other, priorDecisions: [] });
    expect(technical.calls()).toBe(1);
    expect(memo.hits).toBe(1);
    expect(second).toEqual(new TechnicalAgent().decide({ ctx: other, priorDecisions: [] }));
    expect(second.every((d) => d.correlationId === other.correlationId)).toBe(true);
    expect(first.every((d) => d.correlationId === ctx.correlationId)).toBe(true);
  });

  it('asks the agent again for another time, horizon or symbol set', () => {
    const memo = new AnalystDecisionMemo();
    const sentiment = counted(new SentimentAgent());
    const shared = memo.wrap('sentiment', sentiment.agent) as SentimentAgent;
    const ctx = contextAt(400);
    shared.decide({ ctx, priorDecisions: [] });
    shared.decide({ ctx: contextAt(401), priorDecisions: [] });
    shared.decide({ ctx, priorDecisions: [], horizon: 'long' });
    shared.decide({ ctx, priorDecisions: [], symbols: ['AAPL'] });
    expect(sentiment.calls()).toBe(4);
    expect(memo.hits).toBe(0);
  });

  it('relies on reasoning being all that explain changes in both analysts', () => {
    for (const agent of [new TechnicalAgent(), new SentimentAgent()]) {
      for (const days of [300, 420, 700]) {
        const strip = (ds: readonly { reasoning: string }[]) => ds.map(({ reasoning: _r, ...rest }) => rest);
        const explained = agent.decide({ ctx: contextAt(days), priorDecisions: [] });
        const terse = agent.decide({ ctx: { ...contextAt(days), explain: false }, priorDecisions: [] });
        expect(strip(terse)).toEqual(strip(explained));
      }
    }
  });

  it('serves an ask without reasoning from an answer with it, and not the other way round', () => {
    const memo = new AnalystDecisionMemo();
    const technical = counted(new TechnicalAgent());
    const shared = memo.wrap('technical', technical.agent) as TechnicalAgent;
    const terse = { ...contextAt(400), explain: false };
    const fresh = new TechnicalAgent();
    // Reasoning is all that explain changes.
    const withoutReasoning = fresh.decide({ ctx: terse, priorDecisions: [] });
    const explained = fresh.decide({ ctx: contextAt(400), priorDecisions: [] });
    const strip = (ds: readonly { reasoning: string }[]) => ds.map(({ reasoning: _r, ...rest }) => rest);
    expect(strip(explained)).toEqual(strip(withoutReasoning));
    expect(explained.some((d, i) => d.reasoning !== withoutReasoning[i]?.reasoning)).toBe(true);

    expect(shared.decide({ ctx: terse, priorDecisions: [] })).toEqual(withoutReasoning);
    expect(shared.decide({ ctx: contextAt(400), priorDecisions: [] })).toEqual(explained);
    expect(technical.calls()).toBe(2);
    expect(shared.decide({ ctx: terse, priorDecisions: [] })).toEqual(explained);
    expect(technical.calls()).toBe(2);
    expect(memo.hits).toBe(1);
  });

  it('keeps the technical and sentiment answers apart at the same time', () => {
    const memo = new AnalystDecisionMemo();
    const ctx = contextAt(400);
    const technical = memo.wrap('technical', new TechnicalAgent()) as TechnicalAgent;
    const sentiment = memo.wrap('sentiment', new SentimentAgent()) as SentimentAgent;
    technical.decide({ ctx, priorDecisions: [] });
    const answer = sentiment.decide({ ctx, priorDecisions: [] });
    expect(answer.every((d) => d.agent === 'sentiment')).toBe(true);
    expect(memo.hits).toBe(0);
  });

  it('keeps no more decisions than its capacity, and asks the agent for what it could not keep', () => {
    const ctx = contextAt(400);
    const perAsk = new TechnicalAgent().decide({ ctx, priorDecisions: [] }).length;
    const memo = new AnalystDecisionMemo(perAsk + 1);
    const technical = counted(new TechnicalAgent());
    const shared = memo.wrap('technical', technical.agent) as TechnicalAgent;
    const later = contextAt(401);
    shared.decide({ ctx, priorDecisions: [] });
    shared.decide({ ctx: later, priorDecisions: [] });
    const again = shared.decide({ ctx: otherRun(later), priorDecisions: [] });
    shared.decide({ ctx: otherRun(ctx), priorDecisions: [] });
    expect(technical.calls()).toBe(3);
    expect(memo.hits).toBe(1);
    expect(again).toEqual(new TechnicalAgent().decide({ ctx: otherRun(later), priorDecisions: [] }));
  });

  it('leaves agents that reason with an LLM, and stand-ins without a rule path, as they are', () => {
    const memo = new AnalystDecisionMemo();
    const client: LlmClient = {
      complete: () => Promise.reject(new Error('not called')),
    } as unknown as LlmClient;
    const withLlm = new TechnicalAgent(undefined, { kind: 'llm', client });
    expect(memo.wrap('technical', withLlm)).toBe(withLlm);
    const proxy: SignalAgent = { config: withLlm.config, analyze: async () => ({ decisions: [] }) };
    expect(memo.wrap('sentiment', proxy)).toBe(proxy);
  });

  it('gives a team the same outcome as without it, run after run', async () => {
    const memo = new AnalystDecisionMemo();
    const ctx = contextAt(420);
    const plain = await createAgentTeam().runCycle(otherRun(ctx));
    await createAgentTeam({}, { analystMemo: memo }).runCycle(ctx);
    const shared = await createAgentTeam({}, { analystMemo: memo }).runCycle(otherRun(ctx));
    expect(memo.hits).toBe(2);
    expect(shared).toEqual(plain);
  });
});
