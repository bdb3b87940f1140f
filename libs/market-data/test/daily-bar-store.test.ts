import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BarSchema, ManualClock } from '@ats/contracts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DailyBarStore,
  type DownloadProgress,
  dailyBarSource,
  MissingMarketDataError,
  nyseSessions,
  OHLCV_CSV_HEADER,
  renderDownloadProgress,
} from '../src/index';
import { FakeProvider, fixture, json, type SeenRequest } from './fake-provider';

/**
 * Synthetic daily series (not market data): one bar per NYSE session from 2022-12-27 to 2023-01-13, with prices
 * that are not round in binary (…0.1 steps) so the CSV round trip is checked to the last bit.
 */
const SESSIONS = nyseSessions('2022-12-27', '2023-01-13');
function syntheticSeries(base: number) {
  return SESSIONS.map((date, i) => {
    const close = base + i * 0.1 + 0.03;
    return {
      date,
      open: close - 0.2,
      high: close + 0.55,
      low: close - 0.45,
      close,
      adjClose: close * 0.97,
      // The first session of 2023 trades nothing, as AMD did on 2015-01-02.
      volume: date === '2023-01-03' ? 0 : 1_000_000 + i * 1_000,
    };
  }).map((bar) => (bar.volume === 0 ? { ...bar, open: bar.close, high: bar.close, low: bar.close } : bar));
}
const SERIES: Record<string, ReturnType<typeof syntheticSeries>> = {
  AAA: syntheticSeries(101.2),
  BBB: syntheticSeries(42.7),
  CCC: syntheticSeries(7.3),
};

/** A reply in Yahoo's v8 chart shape (the recorded fixture's meta) for the bars in [period1, period2). */
function chartReply(request: SeenRequest) {
  const symbol = decodeURIComponent(request.path.split('/').at(-1) ?? '');
  const series = SERIES[symbol];
  if (!series) return json('yahoo/chart-not-found.json', 404);
  const from = Number(request.query.get('period1')) * 1000;
  const to = Number(request.query.get('period2')) * 1000;
  // Daily bars are stamped at the session open, 09:30 New York (14:30 UTC in winter).
  const inRange = series
    .map((bar) => ({ ...bar, at: Date.parse(`${bar.date}T14:30:00Z`) }))
    .filter((bar) => bar.at >= from && bar.at < to);
  const reply = JSON.parse(fixture('yahoo/chart-1d-AAPL.json'));
  const result = reply.chart.result[0];
  result.meta.symbol = symbol;
  if (inRange.length === 0) {
    delete result.timestamp;
    result.indicators = { quote: [{}], adjclose: [{}] };
  } else {
    result.timestamp = inRange.map((bar) => bar.at / 1000);
    result.indicators.quote[0] = {
      open: inRange.map((bar) => bar.open),
      high: inRange.map((bar) => bar.high),
      low: inRange.map((bar) => bar.low),
      close: inRange.map((bar) => bar.close),
      volume: inRange.map((bar) => bar.volume),
    };
    result.indicators.adjclose[0] = { adjclose: inRange.map((bar) => bar.adjClose) };
  }
  return { body: JSON.stringify(reply) };
}

const fastRetry = { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 50 };
/** Saturday after the first synthetic week: sessions through Friday 2023-01-06 are closed. */
const SATURDAY = '2023-01-07T12:00:00Z';
const FIRST_WEEK = { from: '2023-01-03', to: '2023-01-06' } as const;

describe('DailyBarStore against a loopback Yahoo chart endpoint', () => {
  const yahoo = new FakeProvider(chartReply);
  let baseUrl: string;
  let cacheDir: string;
  const requestsFor = (symbol: string) => yahoo.requests.filter((r) => r.path.endsWith(`/${symbol}`));
  const store = (
    clock = new ManualClock(SATURDAY),
    extra: Partial<ConstructorParameters<typeof DailyBarStore>[0]> = {},
  ) =>
    new DailyBarStore({
      dataDir: undefined,
      cacheDir,
      clock,
      yahoo: { baseUrl, retry: fastRetry },
      ...extra,
    });

  beforeAll(async () => {
    baseUrl = await yahoo.start();
    cacheDir = mkdtempSync(join(tmpdir(), 'md-cache-'));
  });
  afterAll(() => yahoo.stop());

  it('downloads each symbol once on a first run, reports progress per symbol and writes the cache', async () => {
    const events: DownloadProgress[] = [];
    const loaded = await store().prefetch(['AAA', 'bbb'], FIRST_WEEK, (event) => events.push(event));

    expect(requestsFor('AAA')).toHaveLength(1);
    expect(requestsFor('BBB')).toHaveLength(1);
    // The whole history a job could need, once: from 2010-01-01 to the last closed session (Friday).
    expect(Object.fromEntries(requestsFor('AAA')[0]?.query ?? [])).toMatchObject({
      period1: String(Date.UTC(2010, 0, 1) / 1000),
      period2: String(Date.UTC(2023, 0, 7) / 1000),
      interval: '1d',
    });
    const heldThroughFriday = SESSIONS.filter((d) => d <= '2023-01-06').length;
    expect(events.map((e) => [e.symbol, e.index, e.total, e.origin, e.done, e.rows])).toEqual([
      ['AAA', 1, 2, 'download', false, 0],
      ['AAA', 1, 2, 'download', true, heldThroughFriday],
      ['BBB', 2, 2, 'download', false, 0],
      ['BBB', 2, 2, 'download', true, heldThroughFriday],
    ]);
    expect(events.filter((e) => e.done).every((e) => e.bytes > 0)).toBe(true);

    const aaa = loaded.get('AAA') ?? [];
    expect(aaa.map((b) => b.ts.slice(0, 10))).toEqual([
      '2023-01-03',
      '2023-01-04',
      '2023-01-05',
      '2023-01-06',
    ]);
    const firstSeries = SERIES.AAA?.find((b) => b.date === '2023-01-04');
    expect(aaa[1]).toEqual({
      symbol: 'AAA',
      timeframe: '1d',
      ts: '2023-01-04T00:00:00.000Z',
      open: firstSeries?.open,
      high: firstSeries?.high,
      low: firstSeries?.low,
      close: firstSeries?.close,
      volume: firstSeries?.volume,
      adjusted: false,
      adjClose: firstSeries?.adjClose,
    });
    for (const bar of aaa) expect(BarSchema.safeParse(bar).success).toBe(true);

    const csv = readFileSync(join(cacheDir, 'ohlcv', 'AAA.csv'), 'utf8').split('\n');
    expect(csv[0]).toBe(OHLCV_CSV_HEADER);
    expect(csv).toHaveLength(heldThroughFriday + 2); // header, rows, trailing newline
    expect(readFileSync(join(cacheDir, 'ohlcv', 'AAA.coverage.json'), 'utf8')).toContain(
      '"to": "2023-01-06"',
    );
    // Written through temporary files that are gone once renamed.
    expect(readdirSync(join(cacheDir, 'ohlcv')).sort()).toEqual([
      'AAA.coverage.json',
      'AAA.csv',
      'BBB.coverage.json',
      'BBB.csv',
    ]);
  });

  it('serves a second run from the cache with no HTTP call and the very same bars', async () => {
    const first = await store().prefetch(['AAA', 'BBB'], FIRST_WEEK);
    const before = yahoo.requests.length;
    const events: DownloadProgress[] = [];
    const again = store();
    const second = await again.prefetch(['AAA', 'BBB'], FIRST_WEEK, (e) => events.push(e));
    expect(second).toEqual(first);
    expect(await again.loadBars('AAA', { from: '2023-01-04', to: '2023-01-05' })).toEqual(
      first.get('AAA')?.slice(1, 3),
    );
    // Through the weekend is still covered: no session after Friday has closed.
    expect(await again.loadBars('AAA', { from: '2022-12-01', to: '2023-01-08' })).toHaveLength(
      SESSIONS.filter((d) => d <= '2023-01-06').length,
    );
    expect(yahoo.requests.length).toBe(before);
    expect(events.map((e) => [e.symbol, e.origin, e.done])).toEqual([
      ['AAA', 'cache', true],
      ['BBB', 'cache', true],
    ]);
  });

  it('reports the zero-volume session it keeps', async () => {
    const batch = await store().fetchBars({ symbol: 'AAA', timeframe: '1d', ...FIRST_WEEK });
    expect(batch.zeroVolumeDays).toEqual(['2023-01-03']);
    expect(batch.bars[0]).toMatchObject({ volume: 0, open: batch.bars[0]?.close });
  });

  it('fetches only the sessions past the cached end when a later range is asked, and merges them', async () => {
    const before = requestsFor('AAA').length;
    const nextSaturday = new ManualClock('2023-01-14T12:00:00Z');
    const bars = await store(nextSaturday).loadBars('AAA', { from: '2023-01-03', to: '2023-01-13' });
    const extension = requestsFor('AAA').slice(before);
    expect(extension).toHaveLength(1);
    expect(Object.fromEntries(extension[0]?.query ?? [])).toMatchObject({
      period1: String(Date.UTC(2023, 0, 7) / 1000),
      period2: String(Date.UTC(2023, 0, 14) / 1000),
    });
    expect(bars.map((b) => b.ts.slice(0, 10))).toEqual(SESSIONS.filter((d) => d >= '2023-01-03'));
    // The merged file now serves the longer range without a call.
    const after = requestsFor('AAA').length;
    expect(await store(nextSaturday).loadBars('AAA', { from: '2023-01-03', to: '2023-01-13' })).toEqual(bars);
    expect(requestsFor('AAA').length).toBe(after);
  });

  it('downloads a symbol once even when two loads of it race', async () => {
    const racing = store();
    const [a, b] = await Promise.all([
      racing.loadBars('CCC', FIRST_WEEK),
      racing.loadBars('ccc', FIRST_WEEK),
    ]);
    expect(a).toEqual(b);
    expect(a).toHaveLength(4);
    expect(requestsFor('CCC')).toHaveLength(1);
  });

  it('reads the data folder first and never downloads what it holds', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'md-data-'));
    mkdirSync(join(dataDir, 'ohlcv'));
    writeFileSync(
      join(dataDir, 'ohlcv', 'AAA.csv'),
      `${OHLCV_CSV_HEADER}\n2023-01-03,10,11,9,10.5,10.2,500\n2023-01-04,10.5,11.5,10,11,10.7,600\n`,
    );
    const before = yahoo.requests.length;
    const fromConfig = dailyBarSource(
      { dir: dataDir, cacheDir, download: 'auto', yahooBaseUrl: baseUrl },
      { clock: new ManualClock(SATURDAY) },
    );
    const events: DownloadProgress[] = [];
    const loaded = await fromConfig.prefetch(['AAA'], FIRST_WEEK, (e) => events.push(e));
    expect(loaded.get('AAA')?.map((b) => [b.close, b.adjClose, b.volume])).toEqual([
      [10.5, 10.2, 500],
      [11, 10.7, 600],
    ]);
    expect(events.map((e) => e.origin)).toEqual(['data-folder']);
    expect(yahoo.requests.length).toBe(before);
  });

  it('names an unknown ticker as missing with the provider’s reason (base URL from the data settings)', async () => {
    const before = requestsFor('ZZZZ').length;
    const fromConfig = dailyBarSource(
      { dir: undefined, cacheDir, download: 'auto', yahooBaseUrl: baseUrl },
      { clock: new ManualClock(SATURDAY) },
    );
    const failure = await fromConfig.loadBars('ZZZZ', FIRST_WEEK).catch((e: unknown) => e);
    expect(requestsFor('ZZZZ')).toHaveLength(before + 1);
    expect(failure).toBeInstanceOf(MissingMarketDataError);
    expect((failure as MissingMarketDataError).symbols).toEqual(['ZZZZ']);
    expect((failure as Error).message).toMatch(/the download failed \(yahoo: Not Found/);
  });
});

describe('DailyBarStore reads of a data folder', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'md-data-'));
  mkdirSync(join(dataDir, 'ohlcv'));
  // The last row lies in the future of the clock below (a file written ahead of a replay, say).
  writeFileSync(
    join(dataDir, 'ohlcv', 'AAA.csv'),
    `${OHLCV_CSV_HEADER}\n2023-01-03,10,11,9,10.5,10.2,500\n2023-01-04,10.5,11.5,10,11,10.7,600\n` +
      '2023-01-05,11,12,10.5,11.5,11.2,700\n',
  );
  const storeAt = (clock: ManualClock) =>
    new DailyBarStore({
      dataDir,
      cacheDir: mkdtempSync(join(tmpdir(), 'md-cache-')),
      download: 'off',
      clock,
    });

  it('serves the same bars to every read of a range, each caller with its own array', async () => {
    const store = storeAt(new ManualClock('2023-01-07T12:00:00Z'));
    const first = await store.fetchBars({
      symbol: 'AAA',
      timeframe: '1d',
      from: '2023-01-03',
      to: '2023-01-06',
    });
    const again = await store.fetchBars({
      symbol: 'aaa',
      timeframe: '1d',
      from: '2023-01-03',
      to: '2023-01-06',
    });
    expect(again).toEqual(first);
    expect(again.bars).not.toBe(first.bars);
    first.bars.length = 0;
    expect(
      (await store.loadBars('AAA', { from: '2023-01-03', to: '2023-01-06' })).map((b) => b.close),
    ).toEqual([10.5, 11, 11.5]);
  });

  it('keeps at most 16 ranges per series, dropping the least recently read', async () => {
    const store = storeAt(new ManualClock('2023-01-07T12:00:00Z'));
    const read = async (to: string) => (await store.loadBars('AAA', { from: '2023-01-03', to }))[0];
    const first = await read('2023-01-06');
    // Sixteen other ranges (other end dates), then the first one again: it was dropped, so its bars are new objects.
    for (let day = 7; day <= 22; day++) await read(`2023-01-${String(day).padStart(2, '0')}`);
    const recent = await read('2023-01-22');
    expect(await read('2023-01-22')).toBe(recent);
    const again = await read('2023-01-06');
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
  });

  it('serves a row that was in the future once the clock has passed it', async () => {
    const clock = new ManualClock('2023-01-04T12:00:00Z');
    const store = storeAt(clock);
    const early = await store.fetchBars({ symbol: 'AAA', timeframe: '1d', from: '', to: '' });
    expect(early.bars.map((b) => b.ts.slice(0, 10))).toEqual(['2023-01-03', '2023-01-04']);
    expect(early.rejectedRows?.map((r) => r.reason)).toEqual(['future-date']);
    clock.set('2023-01-05T12:00:00Z');
    const later = await store.fetchBars({ symbol: 'AAA', timeframe: '1d', from: '', to: '' });
    expect(later.bars.map((b) => b.ts.slice(0, 10))).toEqual(['2023-01-03', '2023-01-04', '2023-01-05']);
    expect(later.rejectedRows).toBeUndefined();
  });
});

describe('DailyBarStore parses only the rows a data folder read needs', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'md-data-'));
  mkdirSync(join(dataDir, 'ohlcv'));
  // Rows in and out of order, a bad price and an unreadable date on both sides of 2023-01-05, a duplicate, a
  // timestamp with a UTC offset (its UTC date is the next day), and a row without a plain date.
  writeFileSync(
    join(dataDir, 'ohlcv', 'MIX.csv'),
    [
      OHLCV_CSV_HEADER,
      '2022-12-29,9,10,8,9.5,9.2,100',
      '2022-12-30,9,10,8,-1,9.2,100',
      'yesterday,9,10,8,9.5,9.2,100',
      '2023-01-03,10,11,9,10.5,10.2,500',
      '2023-01-04T23:30:00-05:00,10.5,11.5,10,11,10.7,600',
      '2023-01-06,11,12,10.5,11.5,11.2,700',
      '2023-01-06,11,12,10.5,11.6,11.2,700',
      '2023-01-05,11,12,10.5,-3,11.2,700',
      ' 2023-01-09 ,11,12,10.5,11.8,11.2,700',
      '2023-01-10,11,12,10.5,n/a,11.2,700',
      'not a date,11,12,10.5,11.9,11.2,700',
    ].join('\n'),
  );
  const store = () =>
    new DailyBarStore({
      dataDir,
      cacheDir: mkdtempSync(join(tmpdir(), 'md-cache-')),
      download: 'off',
      clock: new ManualClock('2023-02-01T12:00:00Z'),
    });
  const query = (from: string) => ({ symbol: 'MIX', timeframe: '1d' as const, from, to: '2023-01-31' });

  it('gives a read from a date what a read of the whole file gives, and the whole file after it', async () => {
    const whole = store();
    const everything = await whole.fetchBars(query(''));
    const fromFifth = await whole.fetchBars(query('2023-01-05'));
    expect(everything.bars.length).toBeGreaterThan(fromFifth.bars.length);
    expect(everything.rejectedRows?.map((r) => r.ts)).toContain('2022-12-30');

    const narrow = store();
    expect(await narrow.fetchBars(query('2023-01-05'))).toEqual(fromFifth);
    expect(await narrow.fetchBars(query('2023-01-04'))).toEqual(await whole.fetchBars(query('2023-01-04')));
    expect(await narrow.fetchBars(query(''))).toEqual(everything);
    // Prefetch (the backtester's path) and a read after it.
    const prefetched = store();
    const loaded = await prefetched.prefetch(['MIX'], { from: '2023-01-05', to: '2023-01-31' });
    expect(loaded.get('MIX')).toEqual(fromFifth.bars);
    expect(await prefetched.fetchBars(query(''))).toEqual(everything);
  });
});

describe('DailyBarStore without any way to the data', () => {
  let downUrl: string;
  beforeAll(async () => {
    // A port that was just listening and is now closed: connections are refused.
    const gone = new FakeProvider(() => ({ status: 500 }));
    downUrl = await gone.start();
    await gone.stop();
  });
  let cacheDir: string;
  beforeEach(() => {
    cacheDir = mkdtempSync(join(tmpdir(), 'md-empty-cache-'));
  });

  it('throws MissingMarketDataError naming every missing symbol and both ways out when the download fails', async () => {
    const store = new DailyBarStore({
      dataDir: undefined,
      cacheDir,
      clock: new ManualClock(SATURDAY),
      yahoo: { baseUrl: downUrl, retry: fastRetry },
    });
    const events: DownloadProgress[] = [];
    const failure = await store
      .prefetch(['XYZ', 'ABC'], FIRST_WEEK, (e) => events.push(e))
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(MissingMarketDataError);
    const error = failure as MissingMarketDataError;
    expect(error.symbols).toEqual(['XYZ', 'ABC']);
    expect(error.message).toMatch(
      new RegExp(
        `^No daily bars for XYZ, ABC: not in the data folder \\(none configured\\) nor in the download cache \\(${cacheDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\), and the download failed \\(yahoo: request failed: fetch failed \\(ECONNREFUSED\\)\\)\\. Either set DATA__DIR to a folder with ohlcv/<SYMBOL>\\.csv files, or allow the download \\(DATA__DOWNLOAD=auto with network access to Yahoo Finance\\)\\.$`,
      ),
    );
    expect(events.filter((e) => e.done).map((e) => [e.symbol, e.error !== undefined])).toEqual([
      ['XYZ', true],
      ['ABC', true],
    ]);
    expect(existsSync(join(cacheDir, 'ohlcv', 'XYZ.csv'))).toBe(false);
  });

  it('says downloading is off when DATA__DOWNLOAD=off, without touching the network', async () => {
    const store = dailyBarSource(
      { dir: join(cacheDir, 'no-data-here'), cacheDir, download: 'off' },
      { clock: new ManualClock(SATURDAY), yahoo: { baseUrl: downUrl } },
    );
    const failure = await store.loadBars('XYZ', FIRST_WEEK).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(MissingMarketDataError);
    expect((failure as Error).message).toContain(
      `No daily bars for XYZ: not in the data folder (${join(cacheDir, 'no-data-here')}) nor in the download cache (${cacheDir}), and downloading is off (DATA__DOWNLOAD=off).`,
    );
  });
});

describe('renderDownloadProgress', () => {
  const events: DownloadProgress[] = [
    { symbol: 'AAA', index: 1, total: 2, origin: 'data-folder', done: true, rows: 4183, bytes: 250_000 },
    { symbol: 'BBB', index: 2, total: 2, origin: 'download', done: false, rows: 0, bytes: 0 },
    { symbol: 'BBB', index: 2, total: 2, origin: 'download', done: true, rows: 4183, bytes: 260_000 },
  ];

  it('writes one line per settled symbol when the stream is not a terminal', () => {
    let text = '';
    const render = renderDownloadProgress({ write: (chunk: string) => (text += chunk), isTTY: false });
    for (const event of events) render(event);
    expect(text).toBe(
      'market data 1/2 AAA: from the data folder (4,183 rows, 244 kB)\n' +
        'market data 2/2 BBB: downloaded (4,183 rows, 254 kB)\n',
    );
  });

  it('redraws one bar in place on a terminal and ends it with a summary line', () => {
    let text = '';
    const render = renderDownloadProgress(
      { write: (chunk: string) => (text += chunk), isTTY: true, columns: 100 },
      { barWidth: 10 },
    );
    for (const event of events) render(event);
    // cli-progress's redraw: cursor to column 1, the line, clear to its end.
    const redraws = text.split('\u001b[1G').slice(1);
    expect(redraws.map((line) => line.slice(0, line.indexOf('\u001b[0K')))).toEqual([
      '[#####-----] 1/2 AAA from the data folder (4,183 rows, 244 kB)',
      '[#####-----] 2/2 BBB downloading…',
      '[##########] 2/2 daily bars ready (1 downloaded)',
    ]);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(2);
  });

  it('with onlyDownloads stays silent for symbols found locally, on a terminal or not', () => {
    for (const isTTY of [true, false]) {
      let text = '';
      const render = renderDownloadProgress(
        { write: (chunk: string) => (text += chunk), isTTY },
        { onlyDownloads: true },
      );
      render(events[0] as DownloadProgress);
      expect(text).toBe('');
      render(events[1] as DownloadProgress);
      render(events[2] as DownloadProgress);
      expect(text).toContain('BBB');
      expect(text).not.toContain('AAA');
    }
  });
});
