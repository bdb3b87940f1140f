import { readFileSync } from 'node:fs';
import {
  type DatedNewsItem,
  DatedNewsItemSchema,
  InsiderTransactionSchema,
  MarketMoodReadingSchema,
  SocialPostSchema,
} from '@ats/contracts';
import { tradingDateIn } from '@ats/market-data';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  FORM4_FILE,
  HEADLINES_FILE,
  loadFearGreed,
  loadForm4,
  loadHeadlines,
  loadTweets,
  parseCsvRecords,
} from '../src/index';
import { dataFolder } from './data-folder';

const dataDir = dataFolder();

function countBy<T>(
  items: readonly T[],
  key: (item: T) => string | readonly string[],
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const keys = key(item);
    for (const k of typeof keys === 'string' ? [keys] : keys) counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

function expectUniqueIds(items: readonly { id: string }[]): void {
  expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
}

describe('news/headlines.csv', () => {
  let all: DatedNewsItem[];
  let companyOnly: DatedNewsItem[];
  beforeAll(async () => {
    all = await loadHeadlines(dataDir, { includeRoundUps: true });
    companyOnly = await loadHeadlines(dataDir);
  });

  it('has every row SOURCES.md lists, per ticker, when round-ups are kept', () => {
    expect(all).toHaveLength(17_655);
    expect(countBy(all, (n) => n.symbols)).toEqual({
      AAPL: 3_014,
      MSFT: 645,
      GOOGL: 1_208,
      NVDA: 4_991,
      TSLA: 2_911,
      AMZN: 1_420,
      META: 3_466,
    });
    expectUniqueIds(all);
  });

  it('keeps only headlines that name the company by default', () => {
    const rows = parseCsvRecords(readFileSync(`${dataDir}/${HEADLINES_FILE}`, 'utf8'));
    const naming = rows.filter((r) => r.company_in_headline === 'true');
    expect(companyOnly).toHaveLength(naming.length);
    expect(companyOnly).toHaveLength(13_377);
    const allIds = new Set(all.map((n) => n.id));
    expect(companyOnly.every((n) => allIds.has(n.id))).toBe(true);
  });

  it('counts 2023 company headlines per ticker by New York publication day', () => {
    const in2023 = companyOnly.filter(
      (n) => tradingDateIn(Date.parse(n.publishedAt), 'America/New_York') >= '2023',
    );
    expect(countBy(in2023, (n) => n.symbols)).toEqual({
      META: 1_452,
      AAPL: 1_193,
      NVDA: 1_049,
      TSLA: 363,
      AMZN: 345,
      MSFT: 310,
    });
  });

  it('gives every item its contract shape and its point-in-time rule', () => {
    expect(all.filter((item) => !DatedNewsItemSchema.safeParse(item).success)).toEqual([]);
    const timed = all.filter((n) => n.timePrecision !== 'day');
    const dayOnly = all.filter((n) => n.timePrecision === 'day');
    expect(timed.length + dayOnly.length).toBe(all.length);
    expect(timed.every((n) => n.availableAt === n.publishedAt)).toBe(true);
    // A day-precision headline waits for a later session's open, 13:30 or 14:30 UTC.
    expect(
      dayOnly.every((n) => n.availableAt > n.publishedAt && /T1[34]:30:00\.000Z$/.test(n.availableAt)),
    ).toBe(true);
  });
});

describe('social/tweets_2014_2016.csv', () => {
  it('has every row SOURCES.md lists, a tweet tagging two tickers once with both', async () => {
    const posts = await loadTweets(dataDir);
    expect(countBy(posts, (p) => p.symbols)).toEqual({
      AAPL: 20_823,
      META: 12_008,
      GOOGL: 7_595,
      AMZN: 7_205,
      MSFT: 3_589,
    });
    expect(posts.reduce((sum, p) => sum + p.symbols.length, 0)).toBe(51_220);
    expectUniqueIds(posts);
    expect(posts.some((p) => p.symbols.length > 1)).toBe(true);
    expect(posts.filter((post) => !SocialPostSchema.safeParse(post).success)).toEqual([]);
    expect(posts.every((p) => p.availableAt === p.postedAt && p.source === 'twitter-archive')).toBe(true);
  });
});

describe('market-mood/fear_greed.csv', () => {
  it('has every reading, each usable from the next session open', async () => {
    const readings = await loadFearGreed(dataDir);
    expect(readings).toHaveLength(3_834);
    expect(countBy(readings, (r) => r.source)).toEqual({ archive: 2_514, cnn: 1_320 });
    for (const reading of readings) {
      expect(MarketMoodReadingSchema.parse(reading)).toEqual(reading);
      expect(reading.availableAt.slice(0, 10) > reading.date).toBe(true);
    }
  });
});

describe('insider/form4_transactions.csv', () => {
  it('has every transaction, prices absent where the file has none', async () => {
    const transactions = await loadForm4(dataDir);
    const rows = parseCsvRecords(readFileSync(`${dataDir}/${FORM4_FILE}`, 'utf8'));
    expect(transactions).toHaveLength(1_695);
    expect(Object.keys(countBy(transactions, (t) => t.symbol)).sort()).toEqual([
      'AAPL',
      'AMZN',
      'GOOGL',
      'META',
      'MSFT',
      'NVDA',
      'TSLA',
    ]);
    expect(transactions.filter((t) => t.price === undefined)).toHaveLength(
      rows.filter((r) => r.transaction_price === '').length,
    );
    expectUniqueIds(transactions);
    for (const transaction of transactions) {
      expect(InsiderTransactionSchema.parse(transaction)).toEqual(transaction);
      // Due 22:00 New York: 02:00 or 03:00 UTC the next calendar day.
      expect(transaction.availableAt).toMatch(/T0[23]:00:00\.000Z$/);
    }
  });
});
