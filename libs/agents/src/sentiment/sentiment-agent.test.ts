import { describe, expect, it } from 'vitest';
import { AS_OF, newsItem, pricePath, syntheticSnapshot } from '../testing/synthetic';
import type { DecisionContext } from '../types';
import { marketMood } from './market-mood';
import { FLOW_UNAVAILABLE_CONFIDENCE_FACTOR, NO_NEWS_CONFIDENCE, SentimentAgent } from './sentiment-agent';

const hoursBefore = (h: number) => new Date(Date.parse(AS_OF) - h * 3_600_000).toISOString();

function ctxWith(news: DecisionContext['news'], closes = pricePath(260, 0.001)): DecisionContext {
  const snap = syntheticSnapshot('AAPL', { sma50: (closes.at(-1) as number) * 0.9 }, closes);
  return {
    asOf: AS_OF,
    correlationId: 'c',
    snapshots: [snap],
    news,
    portfolio: { asOf: AS_OF, cash: 1, equity: 1, positions: [] },
  };
}

/** The mood's agreement with a BUY: (1 + mood score) / 2. */
function moodAgreement(d: { supportingData: Record<string, unknown> } | undefined): number {
  const components = (d?.supportingData.components ?? {}) as Record<string, { score: number }>;
  const mood = components.mood?.score ?? 0;
  return (1 + mood) / 2;
}

describe('SentimentAgent', () => {
  const agent = new SentimentAgent();

  it('holds with low confidence when there is no news, and says so', () => {
    const [d] = agent.decide({ ctx: ctxWith([]), priorDecisions: [] });
    expect(d?.signal).toBe('HOLD');
    expect(d?.confidence).toBe(NO_NEWS_CONFIDENCE);
    expect(d?.reasoning).toContain('no news about AAPL');
    expect(d?.supportingData).toMatchObject({ insiderFlow: 'unavailable', institutionalFlow: 'unavailable' });
  });

  it('reads good news as BUY and bad news as SELL, with confidence reduced for missing flow data', () => {
    const good = [
      newsItem('1', 'AAPL', 'Apple operating profit rose sharply, beat expectations', hoursBefore(2)),
      newsItem('2', 'AAPL', 'Apple net sales increased by 20 percent', hoursBefore(5)),
      newsItem('3', 'AAPL', 'Apple raised guidance after strong demand', hoursBefore(10)),
    ];
    const [buy] = agent.decide({ ctx: ctxWith(good), priorDecisions: [] });
    expect(buy?.signal).toBe('BUY');
    expect(buy?.confidence).toBeLessThanOrEqual(FLOW_UNAVAILABLE_CONFIDENCE_FACTOR);
    expect(buy?.reasoning).toContain('beat expectations');

    const bad = [
      newsItem('4', 'AAPL', 'Apple issues profit warning as sales fell', hoursBefore(1)),
      newsItem('5', 'AAPL', 'Apple operating loss widened', hoursBefore(3)),
    ];
    expect(agent.decide({ ctx: ctxWith(bad), priorDecisions: [] })[0]?.signal).toBe('SELL');
  });

  it('takes its confidence from the model probability and names the words and bigrams that drove it', () => {
    const good = [
      newsItem('1', 'AAPL', 'Apple operating profit rose sharply, beat expectations', hoursBefore(2)),
    ];
    const [d] = agent.decide({ ctx: ctxWith(good), priorDecisions: [] });
    expect(d?.signal).toBe('BUY');
    const probability = d?.supportingData.modelProbability as number;
    expect(probability).toBeGreaterThan(0.5);
    // Support: the news model's probability and the mood's agreement, weighted as in the score. One item of weight
    // ~0.94: evidence sqrt(0.94 / 3); no evidence source, so both flows unavailable: the full flow factor on top.
    const support = d?.supportingData.support as number;
    const components = d?.supportingData.components as Record<string, { weight: number }>;
    expect(support).toBeGreaterThan(0.5);
    expect(support).toBeCloseTo(
      (components.news?.weight ?? 0) * probability + (1 - (components.news?.weight ?? 0)) * moodAgreement(d),
      3,
    );
    const weight = 0.5 ** (2 / 24);
    expect(d?.confidence).toBeCloseTo(
      support * Math.sqrt(weight / 3) * FLOW_UNAVAILABLE_CONFIDENCE_FACTOR,
      3,
    );
    expect(d?.reasoning).toContain('"profit rose"');
    expect(d?.reasoning).toMatch(/driven by .*"rose"/);
    const [item] = (d?.supportingData.news ?? []) as { method: string; drivers: string[] }[];
    expect(item?.method).toBe('model');
    expect(item?.drivers).toContain('profit rose');
  });

  it('falls back to the lexicon for a text the model knows no word of', () => {
    const odd = [newsItem('x', 'AAPL', 'Zxqv wqxz', hoursBefore(1))];
    const [d] = agent.decide({ ctx: ctxWith(odd), priorDecisions: [] });
    const [item] = (d?.supportingData.news ?? []) as { method: string }[];
    expect(item?.method).toBe('lexicon');
    expect(d?.reasoning).toContain('lexicon fallback');
  });

  it('ignores news published after asOf or older than the window', () => {
    const future = newsItem(
      'f',
      'AAPL',
      'Apple profit rose sharply, beat expectations',
      new Date(Date.parse(AS_OF) + 1000).toISOString(),
    );
    const stale = newsItem('s', 'AAPL', 'Apple profit rose sharply, beat expectations', hoursBefore(24 * 30));
    const [d] = agent.decide({ ctx: ctxWith([future, stale]), priorDecisions: [] });
    expect(d?.supportingData.newsCount).toBe(0);
    expect(d?.signal).toBe('HOLD');
  });

  it('decays older news: a fresh bad item outweighs an older good one', () => {
    const news = [
      newsItem('old', 'AAPL', 'Apple profit rose, beat expectations', hoursBefore(96)),
      newsItem('new', 'AAPL', 'Apple issues profit warning, sales fell', hoursBefore(1)),
    ];
    const [d] = agent.decide({ ctx: ctxWith(news), priorDecisions: [] });
    expect((d?.supportingData.newsScore as number) < 0).toBe(true);
  });
});

describe('marketMood', () => {
  it('reports breadth, volatility ratio and momentum from the universe, greed in a calm rally', () => {
    const closes = pricePath(260, 0.004, 0.002);
    const mood = marketMood([syntheticSnapshot('AAPL', { sma50: (closes.at(-1) as number) * 0.9 }, closes)]);
    expect(mood.breadthAbove50dma).toBe(1);
    expect(mood.momentum20).toBeGreaterThan(0.05);
    expect(mood.volRatio).not.toBeNull();
    expect(mood.label).toBe('greed');
  });
});
