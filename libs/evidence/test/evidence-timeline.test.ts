import { EvidenceSnapshotSchema } from '@ats/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EvidenceTimeline,
  type LocalEvidence,
  loadLocalEvidence,
  NO_LOCAL_13F_REASON,
  parseForm4Csv,
  parseHeadlinesCsv,
} from '../src/index';
import { dataFolder } from './data-folder';

/** Headlines planted in the file's own shape: one with a minute time, one known only by its day. */
const PLANTED_HEADLINES = `date,published_at,published_at_utc,time_precision,ticker,source_symbol,headline,publisher,company_in_headline,source_dataset,url
2023-06-14,2023-06-14T10:00:00-04:00,2023-06-14T14:00:00Z,minute,AAPL,AAPL,"Planted: Apple beats, raises",Benzinga,true,planted,
2023-03-10,2023-03-10,,day,AAPL,AAPL,Planted: Apple day-only story,Example News,true,planted,https://news.example/apple
`;
/** A Form 4 transaction on a Friday before the Independence Day holiday. */
const PLANTED_FORM4 = `transaction_date,ticker,issuer_name,reporting_owner,reporting_owner_cik,reporting_owner_position,transaction_type,transaction_shares,transaction_price,shares_after_transaction,src_file
2023-06-30,AAPL,Apple Inc.,PLANTED OWNER,0000000001,Director,P,1000,190.5,5000,planted
`;

const titles = (snapshot: { news: { title: string }[] }) => snapshot.news.map((n) => n.title);

describe('EvidenceTimeline: point in time', () => {
  let timeline: EvidenceTimeline;
  let real: LocalEvidence;

  beforeAll(async () => {
    real = await loadLocalEvidence(dataFolder());
    if (!('items' in real.news) || !('items' in real.insider))
      throw new Error('data folder lacks news or insider');
    timeline = new EvidenceTimeline({
      ...real,
      news: {
        source: real.news.source,
        items: [...real.news.items, ...parseHeadlinesCsv(PLANTED_HEADLINES)],
      },
      insider: {
        source: real.insider.source,
        items: [...real.insider.items, ...parseForm4Csv(PLANTED_FORM4)],
      },
    });
  });

  it('sees a minute headline one minute after it was published, not one minute before', () => {
    const before = timeline.at('2023-06-14T13:59:00Z', ['AAPL']);
    const after = timeline.at('2023-06-14T14:01:00Z', ['AAPL']);
    expect(titles(before)).not.toContain('Planted: Apple beats, raises');
    expect(titles(after)).toContain('Planted: Apple beats, raises');
    expect(titles(timeline.at('2023-06-14T14:00:00Z', ['AAPL']))).toContain('Planted: Apple beats, raises');
    // What appeared between the two times was published between them.
    const seenBefore = new Set(before.news.map((n) => n.id));
    const appeared = after.news.filter((n) => !seenBefore.has(n.id));
    expect(
      appeared.every(
        (n) => n.availableAt > '2023-06-14T13:59:00Z' && n.availableAt <= '2023-06-14T14:01:00Z',
      ),
    ).toBe(true);
  });

  it('sees a day-precision headline dated D from the next session open, not at D close', () => {
    const planted = 'Planted: Apple day-only story';
    expect(titles(timeline.at('2023-03-10T21:00:00Z', ['AAPL']))).not.toContain(planted); // Friday 16:00 EST
    expect(titles(timeline.at('2023-03-13T13:29:59Z', ['AAPL']))).not.toContain(planted); // Monday 09:29:59 EDT
    const atOpen = timeline.at('2023-03-13T13:30:00Z', ['AAPL']);
    const item = atOpen.news.find((n) => n.title === planted);
    expect(item).toMatchObject({
      publishedAt: '2023-03-10T05:00:00.000Z',
      availableAt: '2023-03-13T13:30:00.000Z',
      timePrecision: 'day',
      publisher: 'Example News',
      source: 'local-headlines',
    });
  });

  it('sees a Form 4 from transaction date + 2 business days 22:00 New York, across a weekend and a holiday', () => {
    const owners = (asOf: string) => timeline.at(asOf, ['AAPL']).insider.map((t) => t.owner);
    expect(owners('2023-07-05T12:00:00Z')).not.toContain('PLANTED OWNER');
    expect(owners('2023-07-06T01:59:59Z')).not.toContain('PLANTED OWNER'); // 21:59:59 EDT on Wednesday
    expect(owners('2023-07-06T02:00:00Z')).toContain('PLANTED OWNER');
  });

  it('sees the fear & greed reading of day D from the next session open (after a holiday Monday)', () => {
    // 2023-01-13 is a Friday; Monday 2023-01-16 is Martin Luther King Jr. Day.
    expect(timeline.at('2023-01-13T21:00:00Z', ['AAPL']).mood?.date).toBe('2023-01-12');
    expect(timeline.at('2023-01-17T14:29:59Z', ['AAPL']).mood?.date).toBe('2023-01-12');
    const atOpen = timeline.at('2023-01-17T14:30:00Z', ['AAPL']).mood;
    expect(atOpen).toMatchObject({
      date: '2023-01-13',
      availableAt: '2023-01-17T14:30:00.000Z',
      source: 'cnn',
    });
  });

  it('reports no mood in the source gap of 2020-06-08..07-08 rather than a stale reading', () => {
    const snapshot = timeline.at('2020-07-01T15:00:00Z', ['AAPL']);
    expect(snapshot.mood).toBeNull();
    expect(snapshot.sources.find((s) => s.kind === 'mood')).toMatchObject({ status: 'unavailable' });
    expect(snapshot.sources.find((s) => s.kind === 'mood')?.reason).toMatch(/no reading in the 10 days/);
  });
});

describe('EvidenceTimeline: windows, symbols and sources', () => {
  let timeline: EvidenceTimeline;
  beforeAll(async () => {
    timeline = await EvidenceTimeline.load(dataFolder());
  });

  it('lists each kind oldest first inside its look-back window, all in the contract shape', async () => {
    const asOf = '2023-06-15T15:00:00Z';
    const snapshot = timeline.at(asOf, ['AAPL', 'NVDA']);
    expect(EvidenceSnapshotSchema.parse(snapshot)).toEqual(snapshot);
    const asOfMs = Date.parse(asOf);
    for (const [items, days] of [
      [snapshot.news, 7],
      [snapshot.insider, 90],
    ] as const) {
      expect(items.length).toBeGreaterThan(0);
      const times = items.map((i) => Date.parse(i.availableAt));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(times.every((t) => t <= asOfMs && t > asOfMs - days * 86_400_000)).toBe(true);
    }
    expect(new Set(snapshot.news.flatMap((n) => n.symbols))).toEqual(new Set(['AAPL', 'NVDA']));
    const wider = timeline.at(asOf, ['AAPL', 'NVDA'], { news: 30 });
    expect(wider.news.length).toBeGreaterThan(snapshot.news.length);
    expect(wider.news.slice(-snapshot.news.length)).toEqual(snapshot.news);
    // The same answer through the asynchronous port that the composed source also implements.
    expect(await timeline.evidenceAt({ symbols: ['AAPL', 'NVDA'], asOf, windowDays: { news: 30 } })).toEqual(
      wider,
    );
  });

  it('holds a tweet about two of the symbols once', () => {
    const snapshot = timeline.at('2015-06-15T15:00:00Z', ['AAPL', 'GOOGL']);
    const ids = snapshot.social.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(snapshot.social.some((p) => p.symbols.includes('AAPL') && p.symbols.includes('GOOGL'))).toBe(true);
    expect(snapshot.sources.find((s) => s.kind === 'social')).toEqual({
      kind: 'social',
      source: 'twitter-archive',
      status: 'ok',
    });
  });

  it('tells "no data" from "nothing happened" in the source statuses', () => {
    const snapshot = timeline.at('2023-06-15T15:00:00Z', ['AAPL']);
    const status = (kind: string) => snapshot.sources.find((s) => s.kind === kind);
    expect(status('news')).toEqual({ kind: 'news', source: 'local-headlines', status: 'ok' });
    expect(status('social')).toMatchObject({ source: 'twitter-archive', status: 'unavailable' });
    expect(status('social')?.reason).toMatch(/AAPL covered 2013-12-31\.\.2016-03-31/);
    expect(status('institutional')).toEqual({
      kind: 'institutional',
      source: 'sec-13f',
      status: 'unavailable',
      reason: NO_LOCAL_13F_REASON,
    });
    const xom = timeline.at('2023-06-15T15:00:00Z', ['XOM']);
    expect(xom.news).toEqual([]);
    expect(xom.sources.find((s) => s.kind === 'news')).toMatchObject({
      status: 'unavailable',
      reason: 'no news items for XOM',
    });
  });

  it('answers the same from a range-restricted timeline as from the whole data set', async () => {
    const range = { from: '2023-01-01T00:00:00Z', to: '2023-12-31T23:59:59Z', symbols: ['AAPL', 'MSFT'] };
    const restricted = await EvidenceTimeline.load(dataFolder(), range);
    expect(restricted.counts().news.NVDA).toBeUndefined();
    for (const asOf of ['2023-01-03T14:30:00Z', '2023-05-02T20:00:00Z', '2023-12-29T21:00:00Z']) {
      expect(restricted.at(asOf, ['AAPL', 'MSFT'])).toEqual(timeline.at(asOf, ['AAPL', 'MSFT']));
    }
  });
});
