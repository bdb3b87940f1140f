import type { AgentDecision, EvidenceSnapshot } from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import { createAgentTeam } from '../team';
import { AS_OF, newsItem, pricePath, syntheticSnapshot } from '../testing/synthetic';
import type { DecisionContext } from '../types';
import {
  datedNews,
  evidenceSnapshot,
  HOUR_MS,
  holding,
  insiderTrade,
  MINUTE_MS,
  moodReading,
  shifted,
  socialPost,
} from './evidence-fixtures';
import {
  FLOW_UNAVAILABLE_CONFIDENCE_FACTOR,
  INSIDER_SALE_WEIGHT,
  SENTIMENT_COMPONENT_WEIGHTS,
  SentimentAgent,
  SOCIAL_MAX_FOLLOWER_WEIGHT,
} from './sentiment-agent';
import { followerWeight } from './social-component';

interface CitedItem {
  kind: string;
  source: string;
  id: string;
  availableAt: string;
  contribution: number;
}

const agent = new SentimentAgent();
const GOOD = 'Apple operating profit rose sharply, beat expectations';
const BAD = 'Apple issues profit warning as sales fell';

function ctxAt(
  asOf: string,
  evidence: EvidenceSnapshot | undefined,
  news: DecisionContext['news'] = [],
): DecisionContext {
  const closes = pricePath(260, 0.001);
  return {
    asOf,
    correlationId: 'c',
    snapshots: [syntheticSnapshot('AAPL', { sma50: (closes.at(-1) as number) * 0.9 }, closes)],
    news,
    ...(evidence ? { evidence } : {}),
    portfolio: { asOf, cash: 1, equity: 1, positions: [] },
  };
}

function decide(ctx: DecisionContext): AgentDecision {
  const [d] = agent.decide({ ctx, priorDecisions: [] });
  if (!d) throw new Error('no decision');
  return d;
}

const items = (d: AgentDecision) => d.supportingData.items as CitedItem[];
const itemIds = (d: AgentDecision) => items(d).map((i) => i.id);
const contributionOf = (d: AgentDecision, kind: string) =>
  items(d)
    .filter((i) => i.kind === kind)
    .reduce((s, i) => s + i.contribution, 0);

describe('SentimentAgent over the evidence snapshot: point in time', () => {
  it('does not see a headline available one minute after asOf, and sees one available one minute before', () => {
    const after = datedNews('late', 'AAPL', GOOD, shifted(AS_OF, MINUTE_MS));
    const before = datedNews('early', 'AAPL', GOOD, shifted(AS_OF, -MINUTE_MS));
    // The snapshot wrongly holds the later item too: the agent filters again.
    const d = decide(ctxAt(AS_OF, evidenceSnapshot(AS_OF, ['AAPL'], { news: [after, before] })));
    expect(itemIds(d)).toContain('early');
    expect(itemIds(d)).not.toContain('late');
    expect(d.reasoning).toContain('[early]');
    expect(d.reasoning).not.toContain('[late]');

    const onlyLate = decide(ctxAt(AS_OF, evidenceSnapshot(AS_OF, ['AAPL'], { news: [after] })));
    expect(onlyLate.signal).toBe('HOLD');
    expect(onlyLate.supportingData.newsCount).toBe(0);
  });

  it("respects a day-precision headline's availableAt (next open), not its calendar date", () => {
    // Dated 2023-05-31 (day precision): usable from 2023-06-01's open, 13:30 UTC in summer.
    const item = datedNews('day', 'AAPL', GOOD, '2023-06-01T13:30:00.000Z', {
      publishedAt: '2023-05-31T00:00:00.000Z',
      timePrecision: 'day',
      source: 'google-news',
    });
    const closeOfDay = '2023-05-31T20:00:00.000Z';
    const atOpen = '2023-06-01T13:30:00.000Z';
    const seenAtClose = decide(ctxAt(closeOfDay, evidenceSnapshot(closeOfDay, ['AAPL'], { news: [item] })));
    expect(itemIds(seenAtClose)).not.toContain('day');
    const seenAtOpen = decide(ctxAt(atOpen, evidenceSnapshot(atOpen, ['AAPL'], { news: [item] })));
    expect(itemIds(seenAtOpen)).toContain('day');
    expect(seenAtOpen.reasoning).toContain('google-news "Apple operating profit rose sharply');
  });

  it('ignores insider trades, posts and 13F holdings whose availableAt is after asOf', () => {
    const later = shifted(AS_OF, MINUTE_MS);
    const d = decide(
      ctxAt(
        AS_OF,
        evidenceSnapshot(AS_OF, ['AAPL'], {
          insider: [insiderTrade('buy-late', 'AAPL', 'P', 100_000, 150, later)],
          social: [socialPost('post-late', 'AAPL', GOOD, later)],
          institutional: [holding('13f-late', 'AAPL', '0001', 1_000_000, 500_000, later)],
        }),
      ),
    );
    expect(d.signal).toBe('HOLD');
    expect(items(d)).toEqual([]);
  });

  it("uses a dated item's availableAt even when it arrives in the context's plain news list", () => {
    const dayItem = datedNews('ctx-day', 'AAPL', GOOD, shifted(AS_OF, 13 * HOUR_MS), {
      publishedAt: shifted(AS_OF, -HOUR_MS),
      timePrecision: 'day',
    });
    const d = decide(ctxAt(AS_OF, undefined, [dayItem]));
    expect(d.supportingData.newsCount).toBe(0);
  });

  it('uses a headline once when the context and the evidence both carry it (by id)', () => {
    const at = shifted(AS_OF, -HOUR_MS);
    const d = decide(
      ctxAt(AS_OF, evidenceSnapshot(AS_OF, ['AAPL'], { news: [datedNews('same', 'AAPL', GOOD, at)] }), [
        newsItem('same', 'AAPL', GOOD, at),
      ]),
    );
    expect(d.supportingData.newsCount).toBe(1);
    expect(itemIds(d).filter((id) => id === 'same')).toHaveLength(1);
  });
});

describe('SentimentAgent over the evidence snapshot: the five sources', () => {
  const recent = shifted(AS_OF, -3 * 24 * HOUR_MS);

  it('reads an insider sale cluster as a negative contribution and purchases as a positive one', () => {
    const sales = [1, 2, 3, 4].map((i) => insiderTrade(`s${i}`, 'AAPL', 'S', 50_000, 170, recent));
    const ignored = [
      insiderTrade('m1', 'AAPL', 'M', 10_000, undefined, recent),
      insiderTrade('a1', 'AAPL', 'A', 5_000, undefined, recent),
    ];
    const sold = decide(ctxAt(AS_OF, evidenceSnapshot(AS_OF, ['AAPL'], { insider: [...sales, ...ignored] })));
    expect(contributionOf(sold, 'insider')).toBeLessThan(0);
    expect((sold.supportingData.components as Record<string, { score: number }>).insider?.score).toBeCloseTo(
      -INSIDER_SALE_WEIGHT,
      4,
    );
    expect(sold.reasoning).toMatch(
      /Strongest insider: sec-form4 "Owner s\d \(Director\) sold 50000 @ 170\.00/,
    );
    expect(sold.reasoning).toContain('ignored (no view on the stock): award (A) ×1, option exercise (M) ×1');
    expect(sold.supportingData.insider).toMatchObject({
      salesUsd: 4 * 50_000 * 170,
      ignored: { A: 1, M: 1 },
    });

    const buys = [1, 2].map((i) => insiderTrade(`p${i}`, 'AAPL', 'P', 20_000, 170, recent));
    const bought = decide(ctxAt(AS_OF, evidenceSnapshot(AS_OF, ['AAPL'], { insider: buys })));
    expect(contributionOf(bought, 'insider')).toBeGreaterThan(0);
    expect(bought.signal).toBe('BUY');
    expect(bought.reasoning).toContain('bought 20000 @ 170.00');
  });

  it('ignores insider trades older than the window', () => {
    const old = shifted(AS_OF, -120 * 24 * HOUR_MS);
    const d = decide(
      ctxAt(
        AS_OF,
        evidenceSnapshot(AS_OF, ['AAPL'], { insider: [insiderTrade('old', 'AAPL', 'P', 1e6, 100, old)] }),
      ),
    );
    expect(items(d)).toEqual([]);
    expect(d.reasoning).toContain('no open-market purchases or sales of AAPL in 90 days');
  });

  it('maps an extreme-fear reading to a negative mood contribution labelled with its source and date', () => {
    const reading = moodReading(8, '2023-05-31', '2023-05-31T21:00:00.000Z');
    const news = [datedNews('n', 'AAPL', GOOD, shifted(AS_OF, -HOUR_MS))];
    const d = decide(ctxAt(AS_OF, evidenceSnapshot(AS_OF, ['AAPL'], { news, mood: reading })));
    const mood = items(d).find((i) => i.kind === 'mood');
    expect(mood).toMatchObject({ source: 'cnn', id: 'fear-greed:2023-05-31' });
    expect(mood?.contribution).toBeLessThan(0);
    expect((d.supportingData.components as Record<string, { score: number }>).mood?.score).toBeCloseTo(
      -0.84,
      4,
    );
    expect(d.reasoning).toContain('Fear & Greed 8.0 (extreme fear) on 2023-05-31, source cnn');
    expect(d.reasoning).toContain('Strongest mood: cnn "Fear & Greed 8.0');
    expect(d.reasoning).not.toContain('price proxy');
  });

  it('falls back to the price proxy, labelled so, without a reading or with one not yet available', () => {
    const news = [datedNews('n', 'AAPL', GOOD, shifted(AS_OF, -HOUR_MS))];
    const none = decide(ctxAt(AS_OF, evidenceSnapshot(AS_OF, ['AAPL'], { news })));
    expect(none.reasoning).toContain('from the price proxy (no Fear & Greed reading available)');
    expect(items(none).find((i) => i.kind === 'mood')).toMatchObject({ source: 'price-proxy' });
    expect(none.supportingData.marketMood).toMatchObject({ source: 'price-proxy' });

    const future = moodReading(90, '2023-06-01', '2023-06-01T21:00:00.000Z');
    const notYet = decide(ctxAt(AS_OF, evidenceSnapshot(AS_OF, ['AAPL'], { news, mood: future })));
    expect(notYet.reasoning).toContain('price proxy (the reading of 2023-06-01 is not available until');
  });

  it('cites the items it used: source, headline, time and signed contribution', () => {
    const at = shifted(AS_OF, -2 * HOUR_MS);
    const d = decide(
      ctxAt(
        AS_OF,
        evidenceSnapshot(AS_OF, ['AAPL'], {
          news: [
            datedNews('b1', 'AAPL', GOOD, at),
            datedNews('b2', 'AAPL', BAD, shifted(AS_OF, -30 * HOUR_MS)),
          ],
        }),
      ),
    );
    expect(d.reasoning).toMatch(
      new RegExp(`benzinga "${GOOD}" \\[b1\\] at ${at.replace(/\./g, '\\.')}: \\+0\\.\\d{3}`),
    );
    expect(d.reasoning).toMatch(
      /benzinga "Apple issues profit warning as sales fell" \[b2\] at \S+: -0\.\d{3}/,
    );
    const cited = items(d).filter((i) => i.kind === 'news');
    expect(cited.map((i) => i.id).sort()).toEqual(['b1', 'b2']);
    expect(cited.find((i) => i.id === 'b1')).toMatchObject({ source: 'benzinga', availableAt: at });
    // Contributions add up to the score.
    const total = items(d).reduce((s, i) => s + i.contribution, 0);
    expect(total).toBeCloseTo(d.supportingData.score as number, 3);
  });

  it('truncates long headlines in the reasoning', () => {
    const long = `${GOOD} ${'and more words '.repeat(10)}`;
    const d = decide(
      ctxAt(
        AS_OF,
        evidenceSnapshot(AS_OF, ['AAPL'], { news: [datedNews('l', 'AAPL', long, shifted(AS_OF, -HOUR_MS))] }),
      ),
    );
    expect(d.reasoning).toContain('…" [l]');
    expect(d.reasoning).not.toContain(long.trim());
  });

  it('states institutional flow unavailable with the reason from the sources', () => {
    const evidence = evidenceSnapshot(AS_OF, ['AAPL'], {
      news: [datedNews('n', 'AAPL', GOOD, shifted(AS_OF, -HOUR_MS))],
      sources: [
        { kind: 'news', source: 'local-headlines', status: 'ok' },
        { kind: 'insider', source: 'sec-form4', status: 'ok' },
        {
          kind: 'institutional',
          source: 'sec-13f',
          status: 'unavailable',
          reason: 'offline: no local 13F file',
        },
      ],
    });
    const d = decide(ctxAt(AS_OF, evidence));
    expect(d.reasoning).toContain(
      'Institutional flow unavailable: sec-13f unavailable (offline: no local 13F file).',
    );
    expect(d.supportingData).toMatchObject({
      institutionalFlow: 'unavailable',
      institutional: { reason: 'sec-13f unavailable (offline: no local 13F file)' },
      insiderFlow: 'available',
    });
    // One flow of two unavailable: half the reduction.
    expect(d.supportingData.flowFactor).toBeCloseTo(1 - (1 - FLOW_UNAVAILABLE_CONFIDENCE_FACTOR) / 2, 9);
  });

  it('says no evidence source when the run has none, and applies the full flow factor only then', () => {
    const none = decide(ctxAt(AS_OF, undefined, [newsItem('n', 'AAPL', GOOD, shifted(AS_OF, -HOUR_MS))]));
    expect(none.reasoning).toContain('Insider flow unavailable: no evidence source in this run.');
    expect(none.supportingData.flowFactor).toBe(FLOW_UNAVAILABLE_CONFIDENCE_FACTOR);
    const all = decide(
      ctxAt(
        AS_OF,
        evidenceSnapshot(AS_OF, ['AAPL'], { news: [datedNews('n', 'AAPL', GOOD, shifted(AS_OF, -HOUR_MS))] }),
      ),
    );
    expect(all.supportingData.flowFactor).toBe(1);
    expect(all.confidence).toBeGreaterThan(none.confidence);
  });

  it('reads net 13F buying as a positive institutional contribution', () => {
    const at = shifted(AS_OF, -20 * 24 * HOUR_MS);
    const institutional = [
      holding('h1', 'AAPL', '0001', 1_100_000, 100_000, at),
      holding('h2', 'AAPL', '0002', 2_100_000, 100_000, at),
      holding('h3', 'AAPL', '0003', 500_000, undefined, at),
    ];
    const d = decide(ctxAt(AS_OF, evidenceSnapshot(AS_OF, ['AAPL'], { institutional })));
    expect(contributionOf(d, 'institutional')).toBeGreaterThan(0);
    // +200k on 3M previously held = +6.7%, full scale 10%.
    expect(
      (d.supportingData.components as Record<string, { score: number }>).institutional?.score,
    ).toBeCloseTo(0.2 / 3 / 0.1, 3);
    expect(itemIds(d)).not.toContain('h3');
    expect(d.reasoning).toContain('Strongest institutional: sec-13f "Fund 0001 +100000 shares');
  });

  it('scores social posts: reposts discounted, reach capped, the StockTwits author label blended in', () => {
    const at = shifted(AS_OF, -HOUR_MS);
    expect(followerWeight(undefined)).toBe(1);
    expect(followerWeight(99)).toBeCloseTo(2, 9);
    expect(followerWeight(10_000_000)).toBe(SOCIAL_MAX_FOLLOWER_WEIGHT);
    const original = socialPost('o', 'AAPL', GOOD, at, { authorFollowers: 99 });
    const repost = socialPost('r', 'AAPL', GOOD, at, { authorFollowers: 99, isRepost: true });
    const d = decide(ctxAt(AS_OF, evidenceSnapshot(AS_OF, ['AAPL'], { social: [original, repost] })));
    const [o, r] = ['o', 'r'].map((id) => items(d).find((i) => i.id === id)?.contribution ?? 0);
    expect(o).toBeGreaterThan(0);
    expect(r).toBeCloseTo((o as number) / 2, 9);
    expect(d.reasoning).toContain('Strongest social: stocktwits "Apple operating profit');

    const text = 'AAPL trading today';
    const plain = decide(
      ctxAt(AS_OF, evidenceSnapshot(AS_OF, ['AAPL'], { social: [socialPost('p', 'AAPL', text, at)] })),
    );
    const bullish = decide(
      ctxAt(
        AS_OF,
        evidenceSnapshot(AS_OF, ['AAPL'], {
          social: [socialPost('p', 'AAPL', text, at, { authorSentiment: 1 })],
        }),
      ),
    );
    const plainScore =
      (plain.supportingData.components as Record<string, { score: number }>).social?.score ?? 0;
    const bullishScore =
      (bullish.supportingData.components as Record<string, { score: number }>).social?.score ?? 0;
    expect(bullishScore).toBeCloseTo(0.5 * plainScore + 0.5, 3);
  });

  it('keeps the score in [-1, 1] and takes no view from the market mood alone', () => {
    const extreme = decide(
      ctxAt(
        AS_OF,
        evidenceSnapshot(AS_OF, ['AAPL'], {
          news: [1, 2, 3, 4, 5].map((i) =>
            datedNews(`n${i}`, 'AAPL', GOOD, shifted(AS_OF, -i * MINUTE_MS), { providerSentiment: 1 }),
          ),
          insider: [insiderTrade('p', 'AAPL', 'P', 1e6, 500, shifted(AS_OF, -HOUR_MS))],
          institutional: [holding('h', 'AAPL', '1', 2e6, 1e6, shifted(AS_OF, -HOUR_MS))],
          mood: moodReading(100, '2023-05-31', '2023-05-31T21:00:00.000Z'),
        }),
      ),
    );
    expect(extreme.supportingData.score as number).toBeLessThanOrEqual(1);
    expect(extreme.supportingData.score as number).toBeGreaterThan(0.5);
    expect(extreme.confidence).toBeLessThanOrEqual(1);

    const moodOnly = decide(
      ctxAt(
        AS_OF,
        evidenceSnapshot(AS_OF, ['AAPL'], {
          mood: moodReading(95, '2023-05-31', '2023-05-31T21:00:00.000Z'),
        }),
      ),
    );
    expect(moodOnly.signal).toBe('HOLD');
    expect(moodOnly.reasoning).toContain('no news about AAPL');
    expect(moodOnly.reasoning).toContain(
      'Fear & Greed 95.0 (extreme greed) on 2023-05-31, source cnn, reported only',
    );
  });

  it('weights the sources by documented constants that sum to 1', () => {
    const sum = Object.values(SENTIMENT_COMPONENT_WEIGHTS).reduce((s, w) => s + w, 0);
    expect(sum).toBeCloseTo(1, 12);
  });

  it('is consulted by the hierarchical team about a symbol with evidence but no news', async () => {
    const insider = [insiderTrade('p', 'AAPL', 'P', 50_000, 170, shifted(AS_OF, -HOUR_MS))];
    const team = createAgentTeam({ pattern: 'hierarchical' });
    const withEvidence = await team.runCycle(ctxAt(AS_OF, evidenceSnapshot(AS_OF, ['AAPL'], { insider })));
    expect(withEvidence.decisions.find((d) => d.agent === 'sentiment')?.signal).toBe('BUY');
    const without = await team.runCycle(ctxAt(AS_OF, evidenceSnapshot(AS_OF, ['AAPL'])));
    expect(without.decisions.filter((d) => d.agent === 'sentiment')).toEqual([]);
  });
});
