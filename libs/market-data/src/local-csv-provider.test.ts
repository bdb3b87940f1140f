import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BarSchema, ManualClock } from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import { UnknownSymbolError, UnsupportedRequestError } from './errors';
import { BUNDLED_OHLCV_DIR, LocalCsvProvider, listBundledSymbols } from './local-csv-provider';

describe('LocalCsvProvider on the bundled data set', () => {
  const provider = new LocalCsvProvider();

  it('serves AAPL 2023 as 250 real daily bars', async () => {
    const bars = await provider.loadBars('aapl', { from: '2023-01-01', to: '2023-12-31', timeframe: '1d' });
    expect(bars).toHaveLength(250);
    expect(bars[0]).toEqual({
      symbol: 'AAPL',
      timeframe: '1d',
      ts: '2023-01-03T00:00:00.000Z',
      open: 130.28,
      high: 130.9,
      low: 124.17,
      close: 125.07,
      volume: 112117500,
      adjusted: false,
    });
    expect(bars.at(-1)?.ts).toBe('2023-12-29T00:00:00.000Z');
    expect(bars.at(-1)?.close).toBe(192.53);
    for (const bar of bars) expect(BarSchema.safeParse(bar).success).toBe(true);
  });

  it('treats from/to as inclusive trading dates', async () => {
    expect(await provider.loadBars('AAPL', { from: '2023-01-01', to: '2023-01-31' })).toHaveLength(20);
    const oneDay = await provider.loadBars('AAPL', { from: '2023-01-03', to: '2023-01-03' });
    expect(oneDay.map((b) => b.close)).toEqual([125.07]);
  });

  it('lists the seven bundled symbols', () => {
    expect(listBundledSymbols()).toEqual(['AAPL', 'AMZN', 'GOOGL', 'META', 'MSFT', 'NVDA', 'TSLA']);
    expect(BUNDLED_OHLCV_DIR).toMatch(/data\/ohlcv$/);
  });

  it('rejects unknown symbols and intraday timeframes with typed errors', async () => {
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
    expect(batch.bars.map((b) => [b.ts.slice(0, 10), b.close, b.adjusted])).toEqual([
      ['2024-01-02', 100, false],
      ['2024-01-03', 105, false],
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
});
