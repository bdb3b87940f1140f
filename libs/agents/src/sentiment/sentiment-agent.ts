import type { AgentDecision, MarketSnapshot, NewsItem, Signal } from '@ats/contracts';
import { defaultSentimentModel, type SentimentDriver, scoreText } from '@ats/sentiment';
import { DEFAULT_AGENT_CONFIGS } from '../config';
import { num, pct, round, signed } from '../format';
import { withLazyText } from '../lazy-text';
import { decideWithLlm, OFFLINE_REASONER, type Reasoner } from '../llm';
import { clamp } from '../stats';
import type { AgentConfig, DecisionContext, SignalAgent, SignalBatch, SignalRequest } from '../types';
import { type MarketMood, marketMood } from './market-mood';

/** News older than this is ignored; within it, an item's weight halves every NEWS_HALF_LIFE_HOURS. */
export const NEWS_MAX_AGE_DAYS = 7;
export const NEWS_HALF_LIFE_HOURS = 24;
/** Mix of the symbol's news score and the market mood in the sentiment score. */
export const NEWS_WEIGHT = 0.8;
export const MOOD_WEIGHT = 0.2;
/** When the source supplies its own sentiment, it is averaged with ours with this weight. */
export const PROVIDER_SENTIMENT_WEIGHT = 0.5;
export const SENTIMENT_BUY_THRESHOLD = 0.2;
export const SENTIMENT_SELL_THRESHOLD = -0.2;
/** Decayed news count that is full evidence (confidence scales with its square root below). */
export const SENTIMENT_FULL_EVIDENCE_ITEMS = 3;
/** Insider and institutional flows are not available to this system: confidence is scaled down, never invented. */
export const FLOW_UNAVAILABLE_CONFIDENCE_FACTOR = 0.8;
export const NO_NEWS_CONFIDENCE = 0.1;

const HOUR_MS = 3_600_000;

export const SENTIMENT_SYSTEM_PROMPT = `You are the sentiment analyst of a long-only equity trading team.
You receive, per symbol, recent news headlines with their publication time, an offline model score per item
(P(positive) − P(negative) of a small supervised model, with the words that drove it),
time-decay weights, and a market fear/greed proxy (breadth, volatility ratio, momentum) computed from prices.
Insider and institutional flow data are unavailable: never assume them. Decide BUY, SELL or HOLD per symbol with a
confidence in [0,1], citing the headlines and numbers you used. No news means HOLD with low confidence.`;

/** Drivers named per headline in the reasoning. */
export const DRIVERS_PER_ITEM = 3;

interface ScoredNews {
  readonly id: string;
  readonly title: string;
  readonly publishedAt: string;
  readonly ageHours: number;
  readonly weight: number;
  readonly score: number;
  /** Class probabilities of the item's text (model), or the lexicon's label as a one-hot when it fell back. */
  readonly probabilities: { readonly positive: number; readonly negative: number; readonly neutral: number };
  readonly drivers: readonly SentimentDriver[];
  readonly method: TextReading['method'];
}

/**
 * Sentiment agent: the offline sentiment model (its P(positive) − P(negative) as the item score, its probability as
 * the confidence) over time-decayed news, plus a market-mood proxy. The lexicon scorer is the explainable fallback
 * for a text the model knows no word of.
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
    const mood = marketMood(ctx.snapshots);
    let text: string | undefined;
    const moodText = () => {
      text ??= describeMood(mood);
      return text;
    };
    const out: AgentDecision[] = [];
    for (const snapshot of ctx.snapshots) {
      if (wanted && !wanted.has(snapshot.symbol)) continue;
      out.push(this.#decideOne(ctx, snapshot, mood, moodText));
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
    mood: MarketMood,
    moodText: () => string,
  ): AgentDecision {
    const news = recentNews(ctx, snapshot);
    const flows = { insiderFlow: 'unavailable', institutionalFlow: 'unavailable' } as const;
    const symbol = snapshot.symbol;
    const asOf = ctx.asOf;
    const correlationId = ctx.correlationId;
    // Reasoning texts are formatted when read (withLazyText): a backtest that does not keep them never pays for them.
    if (news.length === 0) {
      return withLazyText(
        {
          agent: 'sentiment' as const,
          symbol,
          ts: asOf,
          correlationId,
          signal: 'HOLD' as const,
          confidence: NO_NEWS_CONFIDENCE,
        },
        'reasoning',
        () =>
          `HOLD: no news about ${symbol} in the ${NEWS_MAX_AGE_DAYS} days up to ${asOf}, so no sentiment view (low confidence); ${moodText()} reported only; insider/institutional flow unavailable.`,
        { supportingData: { newsCount: 0, marketMood: mood, ...flows } },
      );
    }
    let wSum = 0;
    let ws = 0;
    const p = { positive: 0, negative: 0, neutral: 0 };
    for (const n of news) {
      wSum += n.weight;
      ws += n.weight * n.score;
      p.positive += n.weight * n.probabilities.positive;
      p.negative += n.weight * n.probabilities.negative;
      p.neutral += n.weight * n.probabilities.neutral;
    }
    const newsScore = ws / wSum;
    const score = mood.mood === null ? newsScore : NEWS_WEIGHT * newsScore + MOOD_WEIGHT * mood.mood;
    const signal: Signal =
      score >= SENTIMENT_BUY_THRESHOLD ? 'BUY' : score <= SENTIMENT_SELL_THRESHOLD ? 'SELL' : 'HOLD';
    const evidence = Math.sqrt(Math.min(1, wSum / SENTIMENT_FULL_EVIDENCE_ITEMS));
    // The model's (decay-weighted mean) probability of the class the signal stands for is the confidence.
    const probability = (signal === 'BUY' ? p.positive : signal === 'SELL' ? p.negative : p.neutral) / wSum;
    const confidence = clamp(probability * evidence * FLOW_UNAVAILABLE_CONFIDENCE_FACTOR, 0, 1);
    const explain = () => {
      const top = [...news]
        .sort((a, b) => b.weight * Math.abs(b.score) - a.weight * Math.abs(a.score))
        .slice(0, 3);
      return (
        `${signal}: sentiment score ${signed(score)} (news ${signed(newsScore)} from ${news.length} item(s), decayed weight ${num(wSum)}, ` +
        `×${NEWS_WEIGHT} + mood ×${MOOD_WEIGHT}); thresholds ${signed(SENTIMENT_SELL_THRESHOLD)}/${signed(SENTIMENT_BUY_THRESHOLD)}; ` +
        `model probability ${num(probability)} (×evidence ${num(evidence)}). ` +
        `Strongest: ${top.map(describeItem).join('; ')}. ` +
        `${moodText()}. Insider/institutional flow unavailable: confidence ×${FLOW_UNAVAILABLE_CONFIDENCE_FACTOR}.`
      );
    };
    return withLazyText(
      { agent: 'sentiment' as const, symbol, ts: asOf, correlationId, signal, confidence },
      'reasoning',
      explain,
      {
        supportingData: {
          score: round(score),
          newsScore: round(newsScore),
          newsCount: news.length,
          decayedNewsWeight: round(wSum),
          modelProbability: round(probability),
          news: news.map((n) => ({
            id: n.id,
            publishedAt: n.publishedAt,
            score: round(n.score),
            weight: round(n.weight),
            method: n.method,
            drivers: n.drivers.map((d) => d.term),
          })),
          marketMood: mood,
          ...flows,
        },
      },
    );
  }
}

function describeMood(mood: MarketMood): string {
  return `market mood ${mood.label} (${mood.mood === null ? 'n/a' : signed(mood.mood)}: breadth ${pct(mood.breadthAbove50dma, 0)} above 50-day MA, 20-day vol ${pct(mood.realisedVol20)} vs 1y median ${pct(mood.realisedVolMedian1y)}, 20-day equal-weight return ${pct(mood.momentum20)})`;
}

/** One item's reading: model score and drivers, or the lexicon's when the model knows none of its words. */
interface TextReading {
  readonly score: number;
  readonly probabilities: ScoredNews['probabilities'];
  readonly drivers: readonly SentimentDriver[];
  readonly method: 'model' | 'lexicon';
}

/** Each item's reading, remembered per item (every agent and every cycle in its window re-reads it). */
const readings = new WeakMap<NewsItem, { readonly text: string; readonly reading: TextReading }>();

function readText(text: string, item: NewsItem): TextReading {
  const hit = readings.get(item);
  if (hit !== undefined && hit.text === text) return hit.reading;
  const reading = modelReading(text) ?? lexiconReading(text);
  readings.set(item, { text, reading });
  return reading;
}

function modelReading(text: string): TextReading | undefined {
  const e = defaultSentimentModel().explain(text, DRIVERS_PER_ITEM);
  if (e.knownFeatures === 0) return undefined;
  return { score: e.score, probabilities: e.probabilities, drivers: e.drivers, method: 'model' };
}

/** The word-list scorer: its hits are the drivers, its label a one-hot probability. */
function lexiconReading(text: string): TextReading {
  const s = scoreText(text);
  const drivers = [...s.hits]
    .sort((a, b) => Math.abs(b.valence) - Math.abs(a.valence))
    .slice(0, DRIVERS_PER_ITEM)
    .map((h) => ({ term: h.term, kind: 'word' as const, contribution: h.valence }));
  const probabilities = {
    positive: s.label === 'positive' ? 1 : 0,
    negative: s.label === 'negative' ? 1 : 0,
    neutral: s.label === 'neutral' ? 1 : 0,
  };
  return { score: s.score, probabilities, drivers, method: 'lexicon' };
}

function describeItem(n: ScoredNews): string {
  const drivers = n.drivers.map((d) => `"${d.term}" ${signed(d.contribution)}`).join(', ');
  return `"${n.title}" ${signed(n.score)} (${num(n.ageHours, 0)}h old; ${n.method === 'model' ? 'model' : 'lexicon fallback'}${drivers === '' ? '' : ` driven by ${drivers}`})`;
}

/** The symbol's news published at or before asOf and within NEWS_MAX_AGE_DAYS, scored and time-decayed. */
export function recentNews(ctx: DecisionContext, snapshot: MarketSnapshot): ScoredNews[] {
  if (ctx.news.length === 0 && snapshot.news.length === 0) return [];
  const asOf = Date.parse(ctx.asOf);
  const oldest = asOf - NEWS_MAX_AGE_DAYS * 24 * HOUR_MS;
  const seen = new Set<string>();
  const out: ScoredNews[] = [];
  const consider = (n: NewsItem) => {
    if (seen.has(n.id) || !n.symbols.includes(snapshot.symbol)) return;
    const published = Date.parse(n.publishedAt);
    if (!(published <= asOf) || published < oldest) return;
    seen.add(n.id);
    const ageHours = (asOf - published) / HOUR_MS;
    const own = readText(n.summary ? `${n.title}. ${n.summary}` : n.title, n);
    const score =
      n.providerSentiment === undefined
        ? own.score
        : (1 - PROVIDER_SENTIMENT_WEIGHT) * own.score + PROVIDER_SENTIMENT_WEIGHT * n.providerSentiment;
    out.push({
      id: n.id,
      title: n.title,
      publishedAt: n.publishedAt,
      ageHours,
      weight: 0.5 ** (ageHours / NEWS_HALF_LIFE_HOURS),
      score,
      probabilities: own.probabilities,
      drivers: own.drivers,
      method: own.method,
    });
  };
  for (const n of ctx.news) consider(n);
  for (const n of snapshot.news) consider(n);
  return out.sort((a, b) => Date.parse(a.publishedAt) - Date.parse(b.publishedAt) || (a.id < b.id ? -1 : 1));
}
