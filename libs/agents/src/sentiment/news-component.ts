import type { DatedNewsItem, MarketSnapshot, NewsItem } from '@ats/contracts';
import { num, signed } from '../format';
import type { DecisionContext } from '../types';
import { availableMs, evidenceOf } from './point-in-time';
import type { SentimentComponent } from './sentiment-component';
import {
  NEWS_HALF_LIFE_HOURS,
  NEWS_MAX_AGE_DAYS,
  PROVIDER_SENTIMENT_WEIGHT,
  SENTIMENT_FULL_EVIDENCE_ITEMS,
} from './sentiment-weights';
import { blendWithSource, readText, type TextReading } from './text-reading';
import { weightedTexts } from './weighted-texts';

const HOUR_MS = 3_600_000;

export interface ScoredNews {
  readonly id: string;
  readonly source: string;
  readonly title: string;
  readonly publishedAt: string;
  /** First instant a decision may use the item (its publication time when the item has no other rule). */
  readonly availableAt: string;
  readonly availableMs: number;
  /** Hours from availableAt to the decision time. */
  readonly ageHours: number;
  readonly weight: number;
  readonly score: number;
  readonly probabilities: TextReading['probabilities'];
  readonly drivers: TextReading['drivers'];
  readonly method: TextReading['method'];
}

/**
 * The symbol's news available at asOf within NEWS_MAX_AGE_DAYS, scored and time-decayed: the evidence snapshot's
 * dated news (by `availableAt`), then the context's and the snapshot's news (by `publishedAt`), each id once.
 */
export function recentNews(
  ctx: DecisionContext,
  snapshot: MarketSnapshot,
  /** ctx.asOf in ms, when the caller has it (parsing it per symbol per decision showed in profiles). */
  asOf: number = Date.parse(ctx.asOf),
): ScoredNews[] {
  const dated = evidenceOf(ctx.evidence, snapshot.symbol, asOf).news;
  if (dated.length === 0 && ctx.news.length === 0 && snapshot.news.length === 0) return [];
  const oldest = asOf - NEWS_MAX_AGE_DAYS * 24 * HOUR_MS;
  const seen = new Set<string>();
  const out: ScoredNews[] = [];
  const consider = (n: NewsItem, availableAt: string, available: number) => {
    if (seen.has(n.id) || !n.symbols.includes(snapshot.symbol)) return;
    if (!(available <= asOf) || available < oldest) return;
    seen.add(n.id);
    const ageHours = (asOf - available) / HOUR_MS;
    const own = readText(n.summary ? `${n.title}. ${n.summary}` : n.title, n);
    out.push({
      id: n.id,
      source: n.source,
      title: n.title,
      publishedAt: n.publishedAt,
      availableAt,
      availableMs: available,
      ageHours,
      weight: 0.5 ** (ageHours / NEWS_HALF_LIFE_HOURS),
      score: blendWithSource(own.score, n.providerSentiment, PROVIDER_SENTIMENT_WEIGHT),
      probabilities: own.probabilities,
      drivers: own.drivers,
      method: own.method,
    });
  };
  // A plain news item counts from its publication time, or from its availableAt when it is a dated item after all.
  const considerPlain = (n: NewsItem) => {
    const availableAt = (n as Partial<DatedNewsItem>).availableAt;
    if (availableAt === undefined) consider(n, n.publishedAt, Date.parse(n.publishedAt));
    else consider(n, availableAt, availableMs(n as DatedNewsItem));
  };
  for (const n of dated) consider(n, n.availableAt, availableMs(n));
  for (const n of ctx.news) considerPlain(n);
  for (const n of snapshot.news) considerPlain(n);
  return out.sort((a, b) => a.availableMs - b.availableMs || (a.id < b.id ? -1 : 1));
}

/** The news component: decay-weighted mean item score; full evidence at SENTIMENT_FULL_EVIDENCE_ITEMS decayed items. */
export function newsComponent(news: readonly ScoredNews[]): SentimentComponent | undefined {
  if (news.length === 0) return undefined;
  const { score, weightSum, items, agreement } = weightedTexts(
    'news',
    news.map((n) => ({
      weight: n.weight,
      score: n.score,
      probabilities: n.probabilities,
      item: {
        source: n.source,
        id: n.id,
        label: n.title,
        availableAt: n.availableAt,
        detail: () => describeNewsItem(n),
      },
    })),
  );
  return {
    kind: 'news',
    score,
    strength: Math.min(1, weightSum / SENTIMENT_FULL_EVIDENCE_ITEMS),
    items,
    // The model's decay-weighted mean probability of the class the signal stands for.
    agreement,
    describe: () =>
      `news ${signed(score)} from ${news.length} item(s) in ${NEWS_MAX_AGE_DAYS} days (decayed weight ${num(weightSum)}, half-life ${NEWS_HALF_LIFE_HOURS}h)`,
  };
}

function describeNewsItem(n: ScoredNews): string {
  const drivers = n.drivers.map((d) => `"${d.term}" ${signed(d.contribution)}`).join(', ');
  return `item ${signed(n.score)}, ${num(n.ageHours, 0)}h old, ${n.method === 'model' ? 'model' : 'lexicon fallback'}${drivers === '' ? '' : ` driven by ${drivers}`}`;
}
