/**
 * A job reads bars from `barsReadFrom(request)` instead of a series' first row. These tests hold it to what the
 * whole history gives: the same run, the same data-quality findings, and the whole history read again whenever the
 * narrower read has fewer warm-up bars than the request asks for.
 */
import { type BacktestRequest, BacktestRequestSchema, type Bar } from '@ats/contracts';
import { type BarBatch, type BarsQuery, normaliseBars, nyseSessions, type RawBar } from '@ats/market-data';
import { describe, expect, it } from 'vitest';
import { type BarSource, barsReadFrom, runBacktestJob } from './job';
import { dataFolderPort } from './testing/data-folder-port';

const dayBefore = (date: string) =>
  new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/** Everything a job returns except its random run id and its wall time. */
async function deterministicOutput(request: BacktestRequest, source: BarSource): Promise<string> {
  const { runId: _random, ...output } = await runBacktestJob(request, { bars: source, runId: 'read-from' });
  const { wallMs: _wallMs, ...stats } = output.result.stats;
  return JSON.stringify({ ...output, result: { ...output.result, stats } });
}

/** `source` with every read widened to the whole history: what a job read before barsReadFrom. */
function wholeHistory(source: Required<Pick<BarSource, 'fetchBars'>>): BarSource {
  return {
    loadBars: () => Promise.reject(new Error('fetchBars only')),
    fetchBars: (query) => source.fetchBars({ ...query, from: '' }),
  };
}

/** `source` noting the `from` of each read, per symbol. */
function noted(source: Required<Pick<BarSource, 'fetchBars'>>, reads: Map<string, string[]>): BarSource {
  return {
    loadBars: () => Promise.reject(new Error('fetchBars only')),
    fetchBars: (query) => {
      reads.set(query.symbol, [...(reads.get(query.symbol) ?? []), query.from]);
      return source.fetchBars(query);
    },
  };
}

describe('barsReadFrom', () => {
  it('is the NYSE session warmupBars + 40 sessions before start', () => {
    for (const start of ['2011-03-15', '2020-01-01', '2023-01-01', '2024-07-05']) {
      for (const warmupBars of [0, 1, 60, 251, 2000]) {
        const from = barsReadFrom({ start, warmupBars });
        const sessions = nyseSessions(from, dayBefore(start));
        expect(sessions[0]).toBe(from);
        expect(sessions).toHaveLength(warmupBars + 40);
      }
    }
  });
});

describe('a job reads from barsReadFrom', { timeout: 300_000 }, () => {
  it('gives the same job output as the whole history on the data folder, and reads it only when short', async () => {
    const port = await dataFolderPort();
    try {
      // META listed on 2012-05-18: fewer than 251 bars before 2012-11-01, so its bars come from the whole history.
      for (const symbols of [
        ['AAPL', 'JPM', 'XOM'],
        ['META', 'MSFT'],
      ]) {
        const request = BacktestRequestSchema.parse({
          symbols,
          start: symbols.includes('META') ? '2012-11-01' : '2019-03-01',
          end: symbols.includes('META') ? '2013-06-30' : '2020-06-30',
          strategy: 'sma-crossover',
        });
        const reads = new Map<string, string[]>();
        const narrow = await deterministicOutput(request, noted(port, reads));
        expect(narrow).toBe(await deterministicOutput(request, wholeHistory(port)));
        const from = barsReadFrom(request);
        for (const symbol of symbols)
          expect(reads.get(symbol), symbol).toEqual(symbol === 'META' ? [from, ''] : [from]);
      }
    } finally {
      await port.close();
    }
  });

  it('finds the same data-quality problems in a series with bad rows, duplicates and missing days', async () => {
    const request = BacktestRequestSchema.parse({
      symbols: ['AAA'],
      start: '2021-01-04',
      end: '2021-03-31',
      warmupBars: 100,
      strategy: 'buy-and-hold',
      benchmark: 'equal-weight',
    });
    const from = barsReadFrom(request);
    const sessions = nyseSessions('2019-01-01', request.end);
    const rows: RawBar[] = sessions.map((date, k) => {
      const close = 100 + 10 * Math.sin(k / 9);
      return { ts: date, open: close, high: close + 1, low: close - 1, close, volume: 1_000 + k };
    });
    const at = (date: string) => rows.findIndex((row) => row.ts >= date);
    // Before the narrow read: a bad row (it must not be reported by either read).
    (rows[at('2019-06-03')] as { close: number }).close = Number.NaN;
    // Inside the warm-up: a bad row, a duplicate date and three missing sessions (the narrow read comes back with
    // fewer bars than sessions, still enough).
    (rows[at('2020-10-01')] as { close: number }).close = -1;
    const twin = rows[at('2020-11-02')] as RawBar;
    rows.splice(at('2020-11-02') + 1, 0, { ...twin, close: twin.close + 0.5 });
    rows.splice(at('2020-12-01'), 3);
    const fetchBars = async (query: BarsQuery): Promise<BarBatch> =>
      normaliseBars(rows, {
        symbol: query.symbol,
        timeframe: '1d',
        adjusted: false,
        clock: { now: () => new Date('2026-01-01T00:00:00Z') },
        ...(query.from ? { from: query.from } : {}),
        ...(query.to ? { to: query.to } : {}),
      });
    const reads = new Map<string, string[]>();
    const narrow = await runBacktestJob(request, { bars: noted({ fetchBars }, reads), runId: 'q' });
    const whole = await runBacktestJob(request, { bars: wholeHistory({ fetchBars }), runId: 'q' });
    expect(reads.get('AAA')).toEqual([from]);
    expect(narrow.dataQuality).toEqual(whole.dataQuality);
    expect(narrow.dataQuality.findings.map((f) => `${f.kind} ${f.date}`)).toEqual(
      expect.arrayContaining(['rejected-row 2020-10-01', 'duplicate-date 2020-11-02']),
    );
    expect(narrow.dataQuality.findings.some((f) => f.date < '2020-01-01')).toBe(false);
    const firstBar = (output: typeof narrow) => (output.result.equityCurve[0] as { ts: string }).ts;
    expect(firstBar(narrow)).toBe(firstBar(whole));
    expect(JSON.stringify(narrow.result.fills)).toBe(JSON.stringify(whole.result.fills));
  });

  it('reads the whole history when the narrow read leaves the run short of warm-up bars', async () => {
    const request = BacktestRequestSchema.parse({
      symbols: ['BBB'],
      start: '2021-01-04',
      end: '2021-02-26',
      warmupBars: 60,
      strategy: 'buy-and-hold',
      benchmark: 'equal-weight',
    });
    // A series with a hole of 50 sessions inside the narrow read: 60 warm-up bars need the older ones.
    const all = nyseSessions('2020-01-02', request.end);
    const hole = all.indexOf(barsReadFrom(request)) + 10;
    const kept = [...all.slice(0, hole), ...all.slice(hole + 50)];
    const bars: Bar[] = kept.map((date, k) => ({
      symbol: 'BBB',
      timeframe: '1d',
      ts: `${date}T00:00:00.000Z`,
      open: 50 + k / 10,
      high: 51 + k / 10,
      low: 49 + k / 10,
      close: 50 + k / 10,
      volume: 10,
      adjusted: false,
    }));
    const froms: string[] = [];
    const source: BarSource = {
      loadBars: async (_symbol, { from, to }) => {
        froms.push(from ?? '');
        return bars.filter((bar) => bar.ts.slice(0, 10) >= (from ?? '') && bar.ts.slice(0, 10) <= to);
      },
    };
    const output = await runBacktestJob(request, { bars: source, runId: 'short' });
    expect(froms).toEqual([barsReadFrom(request), '']);
    // The 60 warm-up bars reach back across the hole (the narrow read held 50): the data check, which inspects from
    // the first warm-up bar, reports it.
    const gaps = output.dataQuality.findings.filter((f) => f.kind === 'gap');
    expect(gaps.map((f) => f.date)).toEqual([all[hole]]);
  });
});
