import type { AgentDecision, MarketSnapshot } from '@ats/contracts';
import { DEFAULT_AGENT_CONFIGS } from '../config';
import { round } from '../format';
import { decideWithLlm, OFFLINE_REASONER, type Reasoner } from '../llm';
import type { AgentConfig, DecisionContext, SignalAgent, SignalBatch, SignalRequest } from '../types';
import { type CombinedSentiment, combineComponents, flowConfidenceFactor } from './combine-components';
import { insiderComponent } from './insider-component';
import { institutionalComponent } from './institutional-component';
import { type MoodFinding, moodComponent } from './mood-component';
import { newsComponent, recentNews } from './news-component';
import { evidenceOf } from './point-in-time';
import type { SentimentComponent } from './sentiment-component';
import { describeDecision, describeNoView, type SymbolFindings } from './sentiment-reasoning';
import {
  INSIDER_SALE_WEIGHT,
  INSIDER_WINDOW_DAYS,
  INSTITUTIONAL_WINDOW_DAYS,
  NEWS_HALF_LIFE_HOURS,
  NEWS_MAX_AGE_DAYS,
  NO_NEWS_CONFIDENCE,
  SENTIMENT_COMPONENT_WEIGHTS,
  SOCIAL_HALF_LIFE_HOURS,
  SOCIAL_MAX_AGE_DAYS,
} from './sentiment-weights';
import { socialComponent } from './social-component';
import { availabilityOf } from './source-availability';

export { recentNews, type ScoredNews } from './news-component';
export * from './sentiment-weights';

const W = SENTIMENT_COMPONENT_WEIGHTS;

export const SENTIMENT_SYSTEM_PROMPT = `You are the sentiment analyst of a long-only equity trading team.
You receive, per symbol, only evidence that was public at the decision time (each item's availableAt <= asOf):
- news headlines (source, id, time) with an offline model score per item (P(positive) − P(negative) of a small
  supervised model, with the words that drove it), decayed with a ${NEWS_HALF_LIFE_HOURS}h half-life over ${NEWS_MAX_AGE_DAYS} days;
- social posts (StockTwits, archived tweets) scored by the same model, blended with the author's own Bullish/Bearish
  label where there is one, weighted by author reach (log followers, capped), reposts discounted, ${SOCIAL_HALF_LIFE_HOURS}h half-life over ${SOCIAL_MAX_AGE_DAYS} days;
- the market mood: CNN's Fear & Greed index (0 extreme fear .. 100 extreme greed, mapped to [-1, 1]) with its source and
  date, or, when no fresh reading exists, a proxy computed from prices (breadth, volatility ratio, momentum), labelled so;
- insider trades (SEC Form 4) over ${INSIDER_WINDOW_DAYS} days: open-market purchases (P) against sales (S) in value, a sale counting ${INSIDER_SALE_WEIGHT} of a purchase;
  awards, exercises, tax withholdings and gifts carry no view and are ignored;
- institutional flow: net 13F share changes over ${INSTITUTIONAL_WINDOW_DAYS} days, or "unavailable" with the reason.
The rule-based score weighs news ${W.news}, social ${W.social}, insider ${W.insider}, institutional ${W.institutional} (each by its evidence) and
mood ${W.mood}, and lists each item's signed contribution. Never assume a source that is unavailable. Decide BUY, SELL or HOLD
per symbol with a confidence in [0,1], citing the items (source, headline or id, time) and numbers you used. Without
symbol-specific evidence, HOLD with low confidence: the market mood alone is no view on one stock.`;

/**
 * Sentiment agent over the five sources of the evidence snapshot (news, social, market mood, insider trades,
 * institutional flow) plus the context's own news: each source reduced to a score and an evidence strength
 * (see the *-component files), combined with SENTIMENT_COMPONENT_WEIGHTS (see `combineComponents`). Every item is
 * used only from its `availableAt`. The reasoning names the items that moved the score and by how much.
 */
export class SentimentAgent implements SignalAgent {
  constructor(
    readonly config: AgentConfig = DEFAULT_AGENT_CONFIGS.sentiment,
    private readonly reasoner: Reasoner = OFFLINE_REASONER,
  ) {}

  /** True when this agent reasons by rules only: the team may call `decide` synchronously. */
  get offline(): boolean {
    return this.reasoner.kind === 'offline';
  }

  decide(request: SignalRequest): AgentDecision[] {
    const { ctx } = request;
    const wanted = request.symbols ? new Set(request.symbols) : undefined;
    const asOfMs = Date.parse(ctx.asOf);
    // Market-wide, once per cycle: the mood, and whether the flows reached this run at all.
    const mood = moodComponent(ctx.evidence?.mood, ctx.snapshots, asOfMs, ctx.historyColumns);
    const flows = {
      insider: availabilityOf(ctx.evidence, 'insider'),
      institutional: availabilityOf(ctx.evidence, 'institutional'),
    };
    const out: AgentDecision[] = [];
    for (const snapshot of ctx.snapshots) {
      if (wanted && !wanted.has(snapshot.symbol)) continue;
      out.push(this.#decideOne(ctx, snapshot, asOfMs, mood, flows));
    }
    return out;
  }

  async analyze(request: SignalRequest): Promise<SignalBatch> {
    const decisions = this.decide(request);
    if (this.reasoner.kind === 'offline' || decisions.length === 0) return { decisions };
    return decideWithLlm(this.reasoner.client, this.config, SENTIMENT_SYSTEM_PROMPT, decisions, {
      asOf: request.ctx.asOf,
      priorDecisions: request.priorDecisions.map((d) => ({
        agent: d.agent,
        symbol: d.symbol,
        signal: d.signal,
        confidence: d.confidence,
      })),
    });
  }

  #decideOne(
    ctx: DecisionContext,
    snapshot: MarketSnapshot,
    asOfMs: number,
    mood: MoodFinding,
    flows: SymbolFindings['flows'],
  ): AgentDecision {
    const symbol = snapshot.symbol;
    const evidence = evidenceOf(ctx.evidence, symbol, asOfMs);
    const news = recentNews(ctx, snapshot, asOfMs);
    const insider = insiderComponent(evidence.insider, asOfMs);
    const institutional = institutionalComponent(evidence.institutional, asOfMs);
    const symbolComponents = [
      newsComponent(news),
      socialComponent(evidence.social, asOfMs),
      insider.component,
      institutional,
    ].filter((c): c is SentimentComponent => c !== undefined);
    // A flow with a working source but nothing about this symbol is available (it says: no activity).
    const unavailableFlows = (flows.insider.available ? 0 : 1) + (flows.institutional.available ? 0 : 1);
    const combined = combineComponents(symbolComponents, mood.component, unavailableFlows);
    const findings: SymbolFindings = {
      symbol,
      asOf: ctx.asOf,
      news,
      mood,
      insider: insider.summary,
      institutionalCount: evidence.institutional.length,
      flows,
    };
    // A run that keeps no reasoning (ctx.explain false) never pays for formatting it.
    const explain = ctx.explain !== false;
    // Written out field by field (no spreads): this runs per symbol per decision, and spreading the shared fields
    // and the common data cost more than the rest of a decision without news (433 ms of a 16-year universe run).
    if (combined === undefined)
      return {
        agent: 'sentiment',
        symbol,
        ts: ctx.asOf,
        correlationId: ctx.correlationId,
        signal: 'HOLD',
        confidence: NO_NEWS_CONFIDENCE,
        reasoning: explain ? describeNoView(findings, flowConfidenceFactor(unavailableFlows)) : '',
        supportingData: addCommonData({ newsCount: 0, items: [] }, findings),
      };
    return {
      agent: 'sentiment',
      symbol,
      ts: ctx.asOf,
      correlationId: ctx.correlationId,
      signal: combined.signal,
      confidence: combined.confidence,
      reasoning: explain ? describeDecision(findings, combined) : '',
      supportingData: decisionData(findings, combined),
    };
  }
}

/** The figures behind a decision, structurally: components, every item used with its signed contribution. */
function decisionData(f: SymbolFindings, c: CombinedSentiment): Record<string, unknown> {
  const news = c.components.find((x) => x.component.kind === 'news')?.component;
  let newsWeight = 0;
  for (const n of f.news) newsWeight += n.weight;
  const data: Record<string, unknown> = {
    score: round(c.score),
    support: round(c.support),
    evidence: round(c.evidence),
    flowFactor: round(c.flowFactor),
    components: Object.fromEntries(
      c.components.map((x) => [
        x.component.kind,
        {
          score: round(x.component.score),
          strength: round(x.component.strength),
          weight: round(x.weight),
          contribution: round(x.contribution),
          items: x.component.items.length,
        },
      ]),
    ),
    items: c.items.map((i) => ({
      kind: i.kind,
      source: i.source,
      id: i.id,
      availableAt: i.availableAt,
      contribution: round(i.contribution, 6),
    })),
    newsCount: f.news.length,
    newsScore: news ? round(news.score) : null,
    decayedNewsWeight: round(newsWeight),
    // The news model's weighted probability of the class the signal stands for.
    modelProbability: news ? round(news.agreement(c.signal)) : null,
    news: f.news.map((n) => ({
      id: n.id,
      source: n.source,
      availableAt: n.availableAt,
      score: round(n.score),
      weight: round(n.weight),
      method: n.method,
      drivers: n.drivers.map((d) => d.term),
    })),
  };
  return addCommonData(data, f);
}

/** Adds the fields every sentiment decision carries (market mood, flows) after `data`'s own, in place. */
function addCommonData(data: Record<string, unknown>, f: SymbolFindings): Record<string, unknown> {
  const reading = f.mood.component?.items[0];
  const proxy = f.mood.proxy;
  data.marketMood =
    proxy !== undefined
      ? Object.assign({ source: 'price-proxy' }, proxy)
      : {
          source: reading?.source ?? null,
          label: reading?.label ?? null,
          score: round(f.mood.component?.score),
        };
  data.insiderFlow = f.flows.insider.available ? 'available' : 'unavailable';
  data.insider = f.flows.insider.available
    ? {
        purchasesUsd: round(f.insider.purchasesUsd, 2),
        salesUsd: round(f.insider.salesUsd, 2),
        ignored: f.insider.ignored,
      }
    : { reason: f.flows.insider.reason };
  data.institutionalFlow = f.flows.institutional.available ? 'available' : 'unavailable';
  data.institutional = f.flows.institutional.available
    ? { holdings: f.institutionalCount }
    : { reason: f.flows.institutional.reason };
  return data;
}

/**
 * Whether the sentiment agent has anything about the symbol at asOf: news (context or evidence), or social posts,
 * insider trades or 13F holdings in the evidence. The hierarchical team consults it only for such symbols.
 */
export function hasSentimentEvidence(ctx: DecisionContext, snapshot: MarketSnapshot): boolean {
  const e = evidenceOf(ctx.evidence, snapshot.symbol, Date.parse(ctx.asOf));
  return (
    e.social.length > 0 ||
    e.insider.length > 0 ||
    e.institutional.length > 0 ||
    recentNews(ctx, snapshot).length > 0
  );
}
