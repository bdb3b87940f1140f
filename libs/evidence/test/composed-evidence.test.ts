import { loadConfig } from '@ats/config';
import { EvidenceSnapshotSchema, ManualClock } from '@ats/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ComposedEvidenceSource, evidenceSourceFromConfig } from '../src/index';
import { dataFolder } from './data-folder';
import { FakeHttpServer, json } from './fake-http';

const ASOF = '2023-06-15T15:00:00Z';

describe('a composed snapshot: data folder plus remote sources, one of them failing', () => {
  const finnhub = new FakeHttpServer(() => json('finnhub/company-news-AAPL.json'));
  const stocktwits = new FakeHttpServer(() => ({ status: 500, body: '{"response":{"status":500}}' }));
  const cnn = new FakeHttpServer(() => json('cnn/graphdata-2023-06-05.json'));
  const clock = new ManualClock('2023-06-15T15:05:00Z');
  let source: ComposedEvidenceSource;

  beforeAll(async () => {
    const config = loadConfig({
      env: {
        DATA__DIR: dataFolder(),
        EVIDENCE__REMOTE: 'auto',
        EVIDENCE__FINNHUB_API_KEY: 'finnhub-secret-key',
        EVIDENCE__FINNHUB_BASE_URL: await finnhub.start(),
        EVIDENCE__STOCKTWITS_BASE_URL: await stocktwits.start(),
        EVIDENCE__CNN_BASE_URL: await cnn.start(),
      },
      envFile: null,
    });
    source = evidenceSourceFromConfig(config, { clock });
    // Load the data folder's files once (a decision about history asks no remote source).
    await source.evidenceAt({ symbols: ['AAPL'], asOf: '2023-03-01T15:00:00Z', windowDays: {} });
  });
  afterAll(async () => {
    await Promise.all([finnhub.stop(), stocktwits.stop(), cnn.stop()]);
  });

  it('reports the failing source as failed and still returns everything else, nothing after asOf', async () => {
    expect(source.remoteProviders.map((p) => p.name)).toEqual(['finnhub', 'stocktwits', 'cnn']);
    const snapshot = await source.evidenceAt({ symbols: ['AAPL'], asOf: ASOF, windowDays: {} });
    expect(EvidenceSnapshotSchema.parse(snapshot)).toEqual(snapshot);

    const status = (name: string) => snapshot.sources.find((s) => s.source === name);
    expect(status('stocktwits')).toMatchObject({ kind: 'social', status: 'failed' });
    expect(status('stocktwits')?.reason).toMatch(/^AAPL: stocktwits: HTTP 500/);
    expect(status('finnhub')).toEqual({ kind: 'news', source: 'finnhub', status: 'ok' });
    expect(status('cnn')).toEqual({ kind: 'mood', source: 'cnn', status: 'ok' });
    expect(status('local-headlines')).toMatchObject({ status: 'ok' });

    // Local headlines and Finnhub's articles together, oldest first; Finnhub's 15:30 article is after asOf.
    const sources = new Set(snapshot.news.map((n) => n.source));
    expect(sources).toEqual(new Set(['local-headlines', 'finnhub']));
    expect(snapshot.news.filter((n) => n.source === 'finnhub').map((n) => n.id)).toEqual([
      'finnhub-121500001',
      'finnhub-121500002',
    ]);
    const times = snapshot.news.map((n) => n.availableAt);
    expect(times).toEqual([...times].sort());
    expect(times.every((t) => t <= '2023-06-15T15:00:00.000Z')).toBe(true);
    // The latest end-of-day reading usable at 11:00 New York is the previous day's.
    expect(snapshot.mood?.date).toBe('2023-06-14');
    expect(snapshot.insider.every((t) => t.availableAt <= '2023-06-15T15:00:00.000Z')).toBe(true);
  });

  it('reuses remote answers within the kind TTL, asks again after it, and never caches a failure', async () => {
    const asked = () => [finnhub.requests.length, stocktwits.requests.length, cnn.requests.length];
    await source.evidenceAt({ symbols: ['AAPL'], asOf: ASOF, windowDays: {} });
    const [newsCalls, socialCalls, moodCalls] = asked();
    await source.evidenceAt({ symbols: ['AAPL'], asOf: ASOF, windowDays: {} });
    expect(finnhub.requests.length).toBe(newsCalls);
    expect(cnn.requests.length).toBe(moodCalls);
    expect(stocktwits.requests.length).toBeGreaterThan(socialCalls as number);
    clock.set(new Date(clock.now().getTime() + 16 * 60_000)); // past news' 15 minutes, within mood's hour
    await source.evidenceAt({ symbols: ['AAPL'], asOf: ASOF, windowDays: {} });
    expect(finnhub.requests.length).toBe((newsCalls as number) + 1);
    expect(cnn.requests.length).toBe(moodCalls);
  });

  it('asks no remote source about history and says why', async () => {
    const before = finnhub.requests.length + stocktwits.requests.length + cnn.requests.length;
    const snapshot = await source.evidenceAt({
      symbols: ['AAPL'],
      asOf: '2023-03-01T15:00:00Z',
      windowDays: {},
    });
    expect(finnhub.requests.length + stocktwits.requests.length + cnn.requests.length).toBe(before);
    expect(snapshot.sources.find((s) => s.source === 'finnhub')).toMatchObject({
      status: 'unavailable',
      reason: expect.stringMatching(/history comes from the data folder/),
    });
    expect(snapshot.news.length).toBeGreaterThan(0);
  });
});

it('calls out to nothing unless EVIDENCE__REMOTE=auto', () => {
  const config = loadConfig({ env: { EVIDENCE__FINNHUB_API_KEY: 'k' }, envFile: null });
  expect(evidenceSourceFromConfig(config).remoteProviders).toEqual([]);
});
