import type { AgentDecision } from '@ats/contracts';
import { DEFAULT_AGENT_CONFIGS } from '../config';
import { decideWithLlm, OFFLINE_REASONER, type Reasoner } from '../llm';
import type { AgentConfig, SignalAgent, SignalBatch, SignalRequest } from '../types';
import { assessTechnical } from './technical-rules';

export const TECHNICAL_SYSTEM_PROMPT = `You are the technical analyst of a long-only equity trading team.
You receive, per symbol, indicator values (RSI14, MACD, Bollinger %B, SMA50/200, ATR14, support/resistance, OBV,
recent crossovers, breakouts, double tops/bottoms, swing trend structure) and a rule-based decision with its score.
Decide BUY, SELL or HOLD per symbol with a confidence in [0,1]. Cite the numbers you rely on. Do not invent data;
if evidence is thin or conflicting, prefer HOLD with low confidence.`;

/** Technical agent: rules over the snapshot's indicators, optionally reviewed by an LLM in one batched prompt. */
export class TechnicalAgent implements SignalAgent {
  constructor(
    readonly config: AgentConfig = DEFAULT_AGENT_CONFIGS.technical,
    private readonly reasoner: Reasoner = OFFLINE_REASONER,
  ) {}

  /** The rule-based decisions (synchronous, deterministic). */
  /** True when this agent reasons by rules only: the team may call `decide` synchronously. */
  get offline(): boolean {
    return this.reasoner.kind === 'offline';
  }

  decide(request: SignalRequest): AgentDecision[] {
    const { ctx } = request;
    const wanted = request.symbols ? new Set(request.symbols) : undefined;
    const horizon = request.horizon ?? 'standard';
    const explain = ctx.explain !== false;
    const out: AgentDecision[] = [];
    for (const snapshot of ctx.snapshots) {
      if (wanted && !wanted.has(snapshot.symbol)) continue;
      const a = assessTechnical(snapshot, horizon, explain);
      out.push({
        agent: 'technical',
        symbol: snapshot.symbol,
        signal: a.signal,
        confidence: a.confidence,
        reasoning: a.reasoning,
        supportingData: a.supportingData,
        ts: ctx.asOf,
        correlationId: ctx.correlationId,
      });
    }
    return out;
  }

  async analyze(request: SignalRequest): Promise<SignalBatch> {
    const decisions = this.decide(request);
    if (this.reasoner.kind === 'offline' || decisions.length === 0) return { decisions };
    return decideWithLlm(this.reasoner.client, this.config, TECHNICAL_SYSTEM_PROMPT, decisions, {
      asOf: request.ctx.asOf,
      horizon: request.horizon ?? 'standard',
    });
  }
}
