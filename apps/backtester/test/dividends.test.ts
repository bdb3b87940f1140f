import { readFileSync } from 'node:fs';
import { runBacktestJob } from '@ats/backtest-jobs';
import { type BacktestRequestInput, BacktestRequestSchema } from '@ats/contracts';
import { LocalCsvProvider } from '@ats/market-data';
import { dataFolderPath } from '@ats/tool-testing';
import { describe, expect, it } from 'vitest';

const bars = new LocalCsvProvider({ path: dataFolderPath('ohlcv') });

/** date → { open, close, adjClose } straight from the data file, independent of the product's parser. */
function rowsOf(symbol: string): Map<string, { open: number; close: number; adjClose: number }> {
  const lines = readFileSync(dataFolderPath('ohlcv', `${symbol}.csv`), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  return new Map(
    lines.map((line) => {
      const [date, open, , , close, adjClose] = line.split(',');
      return [date as string, { open: Number(open), close: Number(close), adjClose: Number(adjClose) }];
    }),
  );
}

const costsOff = { commissionBps: 0, slippageBps: 0, attribution: false } as const;
const run = (input: BacktestRequestInput) => runBacktestJob(BacktestRequestSchema.parse(input), { bars });
const totalReturn = (curve: readonly { equity: number }[]) =>
  (curve.at(-1)?.equity ?? 0) / (curve[0]?.equity ?? 1) - 1;
const benchmarkReturn = (curve: readonly { benchmark: number }[]) =>
  (curve.at(-1)?.benchmark ?? 0) / (curve[0]?.benchmark ?? 1) - 1;

describe('dividends and the SPY benchmark over 2025', () => {
  const spy = rowsOf('SPY');
  const adjRatio = (spy.get('2025-12-31')?.adjClose ?? 0) / (spy.get('2024-12-31')?.adjClose ?? 1) - 1;

  it('buy-and-hold SPY: the benchmark equals the adj_close ratio; the strategy earns the cash dividends', async () => {
    const result = await run({
      symbols: ['SPY'],
      strategy: 'buy-and-hold',
      start: '2025-01-01',
      end: '2025-12-31',
      ...costsOff,
    });
    const curve = result.result.equityCurve;
    expect(curve[0]?.ts).toBe('2024-12-31T00:00:00.000Z');
    expect(Math.abs(benchmarkReturn(curve) - adjRatio)).toBeLessThan(1e-4);

    // The strategy buys at the first trading day's next open (2025-01-03, no look-ahead), holds, and is credited
    // shares × dividend on each ex-date; its cash dividends are not reinvested.
    const fill = result.result.fills[0];
    expect(result.result.fills).toHaveLength(1);
    expect(fill?.filledAt).toBe('2025-01-03T00:00:00.000Z');
    expect(fill?.price).toBe(spy.get('2025-01-03')?.open);
    const shares = fill?.quantity ?? 0;
    // Each ex-date after the fill: close before × (1 − factor before / factor on the day), factor = adj_close / close.
    const rows = [...spy.entries()];
    let dividendsPerShare = 0;
    for (let i = 1; i < rows.length; i++) {
      const [date, row] = rows[i] as (typeof rows)[number];
      const before = (rows[i - 1] as (typeof rows)[number])[1];
      if (date <= '2025-01-03' || date > '2025-12-31') continue;
      const step = 1 - before.adjClose / before.close / (row.adjClose / row.close);
      if (step > 1e-5) dividendsPerShare += Math.round(before.close * step * 1e6) / 1e6;
    }
    expect(dividendsPerShare).toBeGreaterThan(6); // four quarterly SPY payouts, about $7 in 2025
    expect(result.result.dividends).toBeCloseTo(shares * dividendsPerShare, 6);
    const expectedEquity =
      100_000 -
      shares * (fill?.price ?? 0) +
      shares * dividendsPerShare +
      shares * (spy.get('2025-12-31')?.close ?? 0);
    expect(curve.at(-1)?.equity).toBeCloseTo(expectedEquity, 6);
  });

  it('price-only mode gives close-to-close returns and fewer dollars than total return', async () => {
    const [total, priceOnly] = await Promise.all(
      [false, true].map((priceOnlyMode) =>
        run({
          symbols: ['SPY'],
          strategy: 'buy-and-hold',
          start: '2025-01-01',
          end: '2025-12-31',
          dividends: !priceOnlyMode,
          ...costsOff,
        }),
      ),
    );
    const priceRatio = (spy.get('2025-12-31')?.close ?? 0) / (spy.get('2024-12-31')?.close ?? 1) - 1;
    expect(Math.abs(benchmarkReturn(priceOnly?.result.equityCurve ?? []) - priceRatio)).toBeLessThan(1e-12);
    expect(priceOnly?.result.dividends).toBe(0);
    expect(totalReturn(total?.result.equityCurve ?? [])).toBeGreaterThan(
      totalReturn(priceOnly?.result.equityCurve ?? []) + 0.01,
    );
  });

  it('a stock that paid no dividend gives the same result in both modes', async () => {
    const reports = await Promise.all(
      [true, false].map(async (dividends) => {
        const output = await run({
          symbols: ['TSLA'],
          benchmark: 'TSLA',
          strategy: 'buy-and-hold',
          start: '2025-01-01',
          end: '2025-12-31',
          dividends,
          ...costsOff,
        });
        return {
          curve: output.result.equityCurve,
          fills: output.result.fills,
          dividends: output.result.dividends,
        };
      }),
    );
    expect(reports[0]).toEqual(reports[1]);
    expect(reports[0]?.dividends).toBe(0);
  });
});
