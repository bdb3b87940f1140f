import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@ats/config';
import { BarSchema, ManualClock } from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import { UnknownSymbolError, UnsupportedRequestError } from './errors';
import { LocalCsvProvider } from './local-csv-provider';
import { defaultOhlcvDir, listOhlcvSymbols } from './ohlcv-folder';

const dataDir = loadConfig().data.dir;

describe.skipIf(dataDir === undefined)('LocalCsvProvider on the configured data folder (DATA__DIR)', () => {
  const provider = new LocalCsvProvider();

  it('reads <data dir>/ohlcv by default: AAPL 2023 is 250 unadjusted bars carrying adj_close', async () => {
    expect(provider.path).toBe(defaultOhlcvDir());
    const bars = await provider.loadBars('aapl', { from: '2023-01-01', to: '2023-12-31', timeframe: '1d' });
    expect(bars).toHaveLength(250);
    expect(bars[0]).toMatchObject({ symbol: 'AAPL', timeframe: '1d', ts: '2023-01-03T00:00:00.000Z' });
    expect(bars[0]?.close).toBeCloseTo(125.07, 4);
    expect(bars.at(-1)?.ts).toBe('2023-12-29T00:00:00.000Z');
    for (const bar of bars) {
      expect(BarSchema.safeParse(bar).success).toBe(true);
      expect(bar.adjusted).toBe(false);
      expect(bar.adjClose).toBeGreaterThan(0);
    }
  });

  it('treats from/to as inclusive trading dates and accepts the data folder itself as the path', async () => {
    expect(await provider.loadBars('AAPL', { from: '2023-01-01', to: '2023-01-31' })).toHaveLength(20);
    const root = new LocalCsvProvider({ path: dataDir as string });
    expect(root.path).toBe(join(dataDir as string, 'ohlcv'));
    const oneDay = await root.loadBars('AAPL', { from: '2023-01-03', to: '2023-01-03' });
    expect(oneDay.map((b) => b.ts)).toEqual(['2023-01-03T00:00:00.000Z']);
  });

  it('keeps AMD 2015-01-02, the one day with volume 0 (O=H=L=C), and reports it', async () => {
    const batch = await provider.fetchBars({
      symbol: 'AMD',
      timeframe: '1d',
      from: '2010-01-01',
      to: '2026-08-20',
    });
    expect(batch.droppedRows).toBe(0);
    expect(batch.zeroVolumeDays).toEqual(['2015-01-02']);
    const quiet = batch.bars.find((b) => b.ts.startsWith('2015-01-02'));
    expect(quiet?.volume).toBe(0);
    expect([quiet?.high, quiet?.low, quiet?.close]).toEqual([quiet?.open, quiet?.open, quiet?.open]);
  });

  it('lists the data folder symbols and rejects unknown ones and intraday timeframes with typed errors', async () => {
    expect(provider.symbols()).toEqual(listOhlcvSymbols(join(dataDir as string, 'ohlcv')));
    expect(provider.symbols()).toContain('SPY');
    await expect(provider.loadBars('ZZZZ', { from: '2023-01-01', to: '2023-01-31' })).rejects.toBeInstanceOf(
      UnknownSymbolError,
    );
    await expect(provider.loadBars('AAPL', { timeframe: '5m' })).rejects.toBeInstanceOf(
      UnsupportedRequestError,
    );
  });
});

describe('LocalCsvProvider on a user file', () => {
  it('drops bad rows, scales to adjusted close when asked, and never returns bars after now', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'md-csv-'));
    const file = join(dir, 'spy.csv');
    writeFileSync(
      file,
      [
        'Date,Open,High,Low,Close,Adj Close,Volume',
        '2024-01-03,100,110,90,105,52.5,1000',
        '2024-01-02,100,110,90,100,50,1000',
        '2024-01-04,100,90,95,92,46,1000', // high < low
        '2024-01-05,abc,110,90,100,50,1000', // NaN
        '2024-01-08,100,110,90,100,50,-5', // negative volume
        '2024-01-10,100,110,90,100,50,1000', // after the clock
      ].join('\n'),
    );
    const provider = new LocalCsvProvider({ path: file, clock: new ManualClock('2024-01-09T21:00:00Z') });
    expect(provider.symbols()).toEqual(['SPY']);
    const batch = await provider.fetchBars({
      symbol: 'SPY',
      timeframe: '1d',
      from: '2024-01-01',
      to: '2024-01-31',
    });
    expect(batch.droppedRows).toBe(4);
    expect(batch.bars.map((b) => [b.ts.slice(0, 10), b.close, b.adjClose, b.adjusted])).toEqual([
      ['2024-01-02', 100, 50, false],
      ['2024-01-03', 105, 52.5, false],
    ]);
    const adjusted = await provider.fetchBars({
      symbol: 'SPY',
      timeframe: '1d',
      from: '2024-01-02',
      to: '2024-01-03',
      adjusted: true,
    });
    expect(adjusted.bars.map((b) => [b.open, b.high, b.low, b.close, b.adjusted])).toEqual([
      [50, 55, 45, 50, true],
      [50, 55, 45, 52.5, true],
    ]);
  });

  it('keeps a day that traded no shares (O=H=L=C, volume 0) and reports it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'md-csv-'));
    mkdirSync(join(dir, 'ohlcv'));
    writeFileSync(
      join(dir, 'ohlcv', 'QUIET.csv'),
      [
        'date,open,high,low,close,adj_close,volume',
        '2014-12-31,2.7,2.72,2.66,2.67,2.67,9000000',
        '2015-01-02,2.67,2.67,2.67,2.67,2.67,0',
        '2015-01-05,2.67,2.7,2.64,2.66,2.66,8000000',
      ].join('\n'),
    );
    const provider = new LocalCsvProvider({ path: dir, clock: new ManualClock('2016-01-01T00:00:00Z') });
    const batch = await provider.fetchBars({
      symbol: 'QUIET',
      timeframe: '1d',
      from: '2014-12-01',
      to: '2015-01-31',
    });
    expect(batch.droppedRows).toBe(0);
    expect(batch.bars).toHaveLength(3);
    expect(batch.bars[1]).toMatchObject({
      ts: '2015-01-02T00:00:00.000Z',
      open: 2.67,
      close: 2.67,
      volume: 0,
    });
    expect(batch.zeroVolumeDays).toEqual(['2015-01-02']);
    const without = await provider.fetchBars({
      symbol: 'QUIET',
      timeframe: '1d',
      from: '2015-01-05',
      to: '2015-01-31',
    });
    expect(without).not.toHaveProperty('zeroVolumeDays');
  });

  it('serves nothing, without failing to construct, when the path does not exist', async () => {
    const provider = new LocalCsvProvider({ path: join(tmpdir(), 'md-no-such-folder', 'ohlcv') });
    expect(provider.symbols()).toEqual([]);
    await expect(provider.loadBars('AAPL')).rejects.toBeInstanceOf(UnknownSymbolError);
  });
});
