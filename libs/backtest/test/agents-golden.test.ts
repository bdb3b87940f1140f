/**
 * Golden outputs: sha256 of everything the offline team decides on the shared data set (the seven symbols the
 * repository once bundled), first recorded before the hot-path optimisations. Any change to an indicator value, a decision, a reasoning text or a backtest result changes a hash.
 * A deliberate behaviour change must re-record them (and say why in the commit); an optimisation must not. The two
 * result hashes were re-recorded once when canonicalResultJson became RFC 8785 (the same JSON data, keys sorted).
 */
import { createHash } from 'node:crypto';
import { createAgentTeam, type OrchestrationPattern, SymbolFeed } from '@ats/agents';
import type { Bar, MarketSnapshot, NewsItem, PortfolioState, Position } from '@ats/contracts';
import { LocalCsvProvider } from '@ats/market-data';
import { describe, expect, it } from 'vitest';
import { agentTeamStrategy, canonicalResultJson, loadFeed, runBacktest } from '../src/index';

/** The seven once-bundled symbols, in the order the golden hashes were recorded with. */
const UNIVERSE = ['AAPL', 'MSFT', 'GOOGL', 'NVDA', 'TSLA', 'AMZN', 'META'] as const;
/** The history all seven share: from META's first day of trading (2012-05-18) to the end of the data set. */
const COMMON_FROM = '2012-05-18';
const csv = new LocalCsvProvider();
const loadUniverse = async () =>
  new Map<string, Bar[]>(
    await Promise.all(
      UNIVERSE.map(async (s) => [s as string, await csv.loadBars(s, { from: COMMON_FROM })] as const),
    ),
  );

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const HEADLINES = [
  'reports record profit and strong growth, beats estimates',
  'faces lawsuit and weak demand, shares plunge',
  'announces new product line',
  'misses revenue forecast amid losses and layoffs',
  'upgraded by analysts on robust outlook',
] as const;

/** Deterministic news (seeded LCG): about one item per symbol every four trading days, 14 h after the bar opens. */
function syntheticNews(bars: ReadonlyMap<string, readonly Bar[]>): NewsItem[] {
  let seed = 7;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const out: NewsItem[] = [];
  for (const [symbol, list] of bars)
    for (const bar of list) {
      if (next() > 0.25) continue;
      const headline = HEADLINES[Math.floor(next() * HEADLINES.length)] as string;
      out.push({
        id: `${symbol}-${bar.ts}`,
        source: 'golden',
        publishedAt: new Date(Date.parse(bar.ts) + 14 * 3_600_000).toISOString(),
        title: `${symbol} ${headline}`,
        summary: '',
        symbols: [symbol],
        ...(next() < 0.3 ? { providerSentiment: Math.round((next() * 2 - 1) * 100) / 100 } : {}),
      });
    }
  return out;
}

describe('golden: backtests of the offline team on the shared data set', { timeout: 60_000 }, () => {
  it('7 symbols, 2022–2023, weekly (sha256 of canonicalResultJson)', async () => {
    const provider = new LocalCsvProvider();
    const feed = await loadFeed(provider, UNIVERSE, { from: '2022-01-01', to: '2023-12-31' });
    const result = await runBacktest({
      feed,
      strategy: agentTeamStrategy(),
      config: { rebalance: 'weekly' },
    });
    expect(result.decisions.length).toBeGreaterThan(90);
    expect(sha256(canonicalResultJson(result))).toBe(
      '8ff713171fad9ed3aa6f38d5ccb68c06f29684d9bed7a4698582c2aa117a811f',
    );
  });

  it('7 symbols, 2021–2023 after a 2020 warm-up, daily, hierarchical, with news', async () => {
    const provider = new LocalCsvProvider();
    const feed = await loadFeed(provider, UNIVERSE, { from: '2020-01-01', to: '2023-12-31' });
    const bars = await loadUniverse();
    const strategy = agentTeamStrategy({ team: { pattern: 'hierarchical' }, news: syntheticNews(bars) });
    const result = await runBacktest({
      feed,
      strategy,
      config: { rebalance: 'daily', tradeFrom: '2021-01-01T00:00:00.000Z' },
    });
    expect(result.fills.length).toBeGreaterThan(0);
    expect(sha256(canonicalResultJson(result))).toBe(
      '3070adfdf54fac3daf1dd373e79690af2799927c6b4fa75a5824b75e57790a04',
    );
  });
});

describe('golden: snapshots and team cycles over the shared history', { timeout: 60_000 }, () => {
  it('every snapshot, and every tenth day a cycle of each pattern on a portfolio that follows the targets', async () => {
    const bars = await loadUniverse();
    const news = syntheticNews(bars).sort((a, b) => Date.parse(a.publishedAt) - Date.parse(b.publishedAt));
    const days = (bars.get('AAPL') as Bar[]).length;
    // The loop below steps the seven feeds by index: they must share every trading day.
    const calendar = (bars.get('AAPL') as Bar[]).map((b) => b.ts);
    for (const symbol of UNIVERSE) expect((bars.get(symbol) as Bar[]).map((b) => b.ts)).toEqual(calendar);
    expect(calendar[0]?.slice(0, 10)).toBe(COMMON_FROM);
    const feeds = UNIVERSE.map((s) => new SymbolFeed(s));
    const patterns: OrchestrationPattern[] = ['sequential', 'parallel', 'hierarchical'];
    const teams = patterns.map((pattern) => createAgentTeam({ pattern }));
    const books = patterns.map(() => ({ cash: 100_000, quantity: new Map<string, number>() }));
    const snapshotHash = createHash('sha256');
    const cycleHash = createHash('sha256');
    const published = news.map((n) => Date.parse(n.publishedAt));
    let newsFrom = 0;
    let newsTo = 0;
    for (let day = 0; day < days; day++) {
      for (let i = 0; i < feeds.length; i++)
        (feeds[i] as SymbolFeed).push((bars.get(UNIVERSE[i] as string) as Bar[])[day] as Bar);
      const asOfMs = Date.parse((bars.get('AAPL') as Bar[])[day]?.ts as string) + 86_400_000;
      // News of the last week, published by the close (sorted by publication time above).
      while (newsTo < news.length && (published[newsTo] as number) <= asOfMs) newsTo++;
      while (newsFrom < newsTo && (published[newsFrom] as number) <= asOfMs - 7 * 86_400_000) newsFrom++;
      const visible = news.slice(newsFrom, newsTo);
      const snapshots: MarketSnapshot[] = feeds.map((f) => f.snapshot({ news: visible }));
      for (const s of snapshots)
        snapshotHash.update(
          JSON.stringify([s.symbol, s.asOf, s.price, s.indicators, s.history.length, s.news.length]),
        );
      if (day < 30 || day % 10 !== 0) continue;
      const asOf = (snapshots[0] as MarketSnapshot).asOf;
      const price = new Map(snapshots.map((s) => [s.symbol, s.price]));
      for (let p = 0; p < patterns.length; p++) {
        const book = books[p] as (typeof books)[number];
        const positions: Position[] = [...book.quantity].map(([symbol, quantity]) => ({
          symbol,
          quantity,
          averagePrice: (price.get(symbol) as number) * 0.97,
          marketPrice: price.get(symbol) as number,
          realizedPnl: 0,
        }));
        const equity = positions.reduce((sum, q) => sum + q.quantity * (q.marketPrice as number), book.cash);
        const portfolio: PortfolioState = { asOf, cash: book.cash, equity, positions };
        const outcome = await (teams[p] as ReturnType<typeof createAgentTeam>).runCycle({
          asOf,
          correlationId: `golden-${patterns[p]}-${day}`,
          snapshots,
          news: visible,
          portfolio,
        });
        cycleHash.update(JSON.stringify(outcome));
        book.quantity.clear();
        let invested = 0;
        for (const t of outcome.targets) {
          const q = Math.floor((t.targetWeight * equity) / (price.get(t.symbol) as number));
          if (q > 0) book.quantity.set(t.symbol, q);
          invested += q * (price.get(t.symbol) as number);
        }
        book.cash = equity - invested;
      }
    }
    expect({ snapshots: snapshotHash.digest('hex'), cycles: cycleHash.digest('hex') }).toEqual({
      snapshots: 'd181d6d0984ff659f553490bfe9feb18589601b288e07a73ef0e2b27d2e43153',
      cycles: '80d5685639e129f5ed121b59b3151e408ddc7d69fcbf38d611100ff7fe7526ea',
    });
  });
});
