import { AgentDecisionSchema, RiskAssessmentSchema } from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import type { LlmClient, LlmRequest, LlmResponse } from './llm';
import { AgentTimeoutError, createAgentTeam } from './team';
import { contextAt } from './testing/market-fixtures';
import { newsItem } from './testing/synthetic';
import type { DecisionContext, SignalAgent } from './types';

const ctx = contextAt(1200);
const hoursBefore = (h: number) => new Date(Date.parse(ctx.asOf) - h * 3_600_000).toISOString();

describe('createAgentTeam', () => {
  it('produces contract-valid decisions (technical, sentiment, portfolio per symbol), risk and targets', async () => {
    const out = await createAgentTeam().runCycle(ctx);
    expect(out.decisions).toHaveLength(ctx.snapshots.length * 3);
    for (const d of out.decisions) expect(AgentDecisionSchema.safeParse(d).success).toBe(true);
    expect(RiskAssessmentSchema.safeParse(out.risk).success).toBe(true);
    expect(out.targets.map((t) => t.symbol)).toEqual(ctx.snapshots.map((s) => s.symbol));
    expect(out.degraded).toEqual([]);
    expect(out.targets.reduce((s, t) => s + t.targetWeight, 0)).toBeLessThanOrEqual(1);
  });

  it('is deterministic: the same context twice gives byte-identical JSON', async () => {
    const a = await createAgentTeam().runCycle(ctx);
    const b = await createAgentTeam().runCycle(ctx);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('sequential and parallel give identical outcomes offline', async () => {
    const news = [newsItem('n1', 'AAPL', 'Apple profit rose sharply and beat expectations', hoursBefore(3))];
    const withNews: DecisionContext = { ...ctx, news };
    const seq = await createAgentTeam({ pattern: 'sequential' }).runCycle(withNews);
    const par = await createAgentTeam({ pattern: 'parallel' }).runCycle(withNews);
    expect(JSON.stringify(par)).toBe(JSON.stringify(seq));
  });

  it('hierarchical skips sentiment when there is no news and reaches the same targets', async () => {
    const seq = await createAgentTeam({ pattern: 'sequential' }).runCycle(ctx);
    const hier = await createAgentTeam({ pattern: 'hierarchical' }).runCycle(ctx);
    expect(hier.decisions.filter((d) => d.agent === 'sentiment')).toEqual([]);
    expect(hier.targets.map((t) => t.targetWeight)).toEqual(seq.targets.map((t) => t.targetWeight));
  });

  it('hierarchical asks technical again on the long horizon where technical and sentiment conflict', async () => {
    const technical = (await createAgentTeam().runCycle(ctx)).decisions.find(
      (d) => d.agent === 'technical' && d.signal !== 'HOLD',
    );
    expect(technical).toBeDefined();
    const symbol = technical?.symbol as string;
    const contrary =
      technical?.signal === 'BUY'
        ? 'issues profit warning as sales fell sharply and operating loss widened'
        : 'operating profit rose sharply, sales jumped and results beat expectations';
    const news = [1, 2, 3].map((i) => newsItem(`c${i}`, symbol, `${symbol} ${contrary}`, hoursBefore(i)));
    const hier = await createAgentTeam({ pattern: 'hierarchical' }).runCycle({ ...ctx, news });
    const reAsked = hier.decisions.find((d) => d.agent === 'technical' && d.symbol === symbol);
    expect(reAsked?.supportingData.horizon).toBe('long');
    expect(hier.decisions.filter((d) => d.agent === 'sentiment').map((d) => d.symbol)).toEqual([symbol]);
  });

  it('degrades instead of failing when an agent throws', async () => {
    const broken: SignalAgent = {
      config: {
        name: 'sentiment',
        model: 'x',
        temperature: 0,
        maxTokens: 1,
        timeoutMs: 1000,
        retryAttempts: 0,
      },
      analyze: async () => {
        throw new Error('feed down');
      },
    };
    const out = await createAgentTeam({}, { sentiment: broken }).runCycle(ctx);
    expect(out.degraded).toEqual([{ agent: 'sentiment', reason: 'feed down' }]);
    const sentiment = out.decisions.filter((d) => d.agent === 'sentiment');
    expect(sentiment.every((d) => d.confidence === 0 && d.reasoning.includes('unavailable'))).toBe(true);
    const healthy = await createAgentTeam().runCycle(ctx);
    const pmConf = (o: typeof out) =>
      o.decisions.filter((d) => d.agent === 'portfolio').map((d) => d.confidence);
    pmConf(out).forEach((c, i) => {
      expect(c).toBeLessThanOrEqual(pmConf(healthy)[i] as number);
    });
    expect(out.decisions.find((d) => d.agent === 'portfolio')?.reasoning).toContain('Degraded cycle');
  });

  it('degrades when an agent times out', async () => {
    const slow: SignalAgent = {
      config: {
        name: 'technical',
        model: 'x',
        temperature: 0,
        maxTokens: 1,
        timeoutMs: 20,
        retryAttempts: 0,
      },
      analyze: () => new Promise(() => {}),
    };
    const out = await createAgentTeam({}, { technical: slow }).runCycle(ctx);
    expect(out.degraded).toEqual([
      { agent: 'technical', reason: new AgentTimeoutError('technical', 20).message },
    ]);
    expect(out.targets).toHaveLength(ctx.snapshots.length);
  });

  it('fails safe when the risk manager is down: nothing may grow', async () => {
    const out = await createAgentTeam(
      {},
      {
        risk: {
          config: {
            name: 'risk',
            model: 'x',
            temperature: 0,
            maxTokens: 1,
            timeoutMs: 1000,
            retryAttempts: 0,
          },
          analyze: async () => {
            throw new Error('risk offline');
          },
        },
      },
    ).runCycle(ctx);
    expect(out.degraded.map((d) => d.agent)).toEqual(['risk']);
    expect(out.targets.every((t) => t.targetWeight === 0)).toBe(true);
    expect(out.risk.vetoes).toHaveLength(ctx.snapshots.length);
  });
});

describe('LLM reasoner', () => {
  class ScriptedLlm implements LlmClient {
    requests: LlmRequest<unknown>[] = [];
    constructor(private readonly answer: (req: LlmRequest<unknown>) => unknown) {}
    async complete<T>(request: LlmRequest<T>): Promise<LlmResponse<T>> {
      this.requests.push(request as LlmRequest<unknown>);
      const value = request.schema.parse(this.answer(request as LlmRequest<unknown>));
      return { value, usage: { promptTokens: 100, completionTokens: 50, costUsd: 0.001 }, cached: false };
    }
  }
  const symbolsIn = (req: LlmRequest<unknown>) =>
    (JSON.parse(req.user).ruleBasedDecisions as { symbol: string }[] | undefined)?.map((d) => d.symbol) ?? [];

  it('sends one batched prompt per agent with the rule figures and uses the validated answer', async () => {
    const llm = new ScriptedLlm((req) =>
      req.schemaName === 'risk_vetoes'
        ? { vetoes: [] }
        : {
            decisions: symbolsIn(req).map((symbol) => ({
              symbol,
              signal: 'HOLD',
              confidence: 0.42,
              reasoning: `llm on ${symbol}`,
            })),
          },
    );
    const out = await createAgentTeam({}, { reasoner: { kind: 'llm', client: llm } }).runCycle(ctx);
    expect(llm.requests.map((r) => r.schemaName)).toEqual([
      'technical_decisions',
      'sentiment_decisions',
      'risk_vetoes',
      'portfolio_decisions',
    ]);
    expect(llm.requests[0]?.user).toContain('rsi14');
    const tech = out.decisions.find((d) => d.agent === 'technical');
    expect(tech?.reasoning).toBe(`llm on ${tech?.symbol}`);
    expect(tech?.supportingData.reasoner).toBe('llm');
    expect(out.degraded).toEqual([]);
  });

  it('falls back to the rules, marked degraded, when the answer misses symbols', async () => {
    const llm = new ScriptedLlm((req) =>
      req.schemaName === 'risk_vetoes' ? { vetoes: [] } : { decisions: [] },
    );
    const out = await createAgentTeam({}, { reasoner: { kind: 'llm', client: llm } }).runCycle(ctx);
    expect(out.degraded.map((d) => d.agent)).toEqual(['technical', 'sentiment', 'portfolio']);
    expect(out.decisions.find((d) => d.agent === 'technical')?.supportingData.reasoner).toBe(
      'rules-fallback',
    );
    // retryAttempts = 2 → 3 attempts each for technical, sentiment, portfolio; risk answered once.
    expect(llm.requests).toHaveLength(10);
  });
});
