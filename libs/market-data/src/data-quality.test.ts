import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@ats/config';
import { describe, expect, it } from 'vitest';
import { type DataQualityFinding, inspectDataQuality } from './data-quality';
import { DataQualityError } from './data-quality-error';
import { LocalCsvProvider } from './local-csv-provider';
import { nyseSessions } from './nyse-calendar';

/** A calm series: every NYSE session of H1 2023, close 100 drifting up a cent a day, high/low ±1. */
function cleanRows(from = '2023-01-03', to = '2023-06-30'): string[] {
  return nyseSessions(from, to).map((date, i) => {
    const close = 100 + i * 0.01;
    return `${date},${close},${close + 1},${close - 1},${close},${close},1000`;
  });
}

/** Writes `<dir>/ohlcv/TEST.csv` from the rows and inspects what LocalCsvProvider serves for H1 2023. */
async function findingsFor(rows: readonly string[], requested = { from: '2023-01-03', to: '2023-06-30' }) {
  const dir = mkdtempSync(join(tmpdir(), 'md-quality-'));
  mkdirSync(join(dir, 'ohlcv'));
  writeFileSync(
    join(dir, 'ohlcv', 'TEST.csv'),
    ['date,open,high,low,close,adj_close,volume', ...rows].join('\n'),
  );
  const batch = await new LocalCsvProvider({ path: dir }).fetchBars({
    symbol: 'TEST',
    timeframe: '1d',
    from: '',
    to: requested.to,
  });
  return { batch, findings: inspectDataQuality({ symbol: 'test', batch, requested }) };
}

const kinds = (findings: readonly DataQualityFinding[]) => findings.map((f) => `${f.kind} ${f.date}`);

describe('inspectDataQuality on small CSVs in a temp data folder', () => {
  it('finds nothing in a clean series that covers the requested range', async () => {
    const { findings } = await findingsFor(cleanRows());
    expect(findings).toEqual([]);
  });

  it('reports rows with NaN, empty, negative, zero and high < low values as dropped, each with its reason', async () => {
    const rows = cleanRows();
    // Two sessions apart, so the holes they leave stay below the gap threshold.
    rows[10] = '2023-01-18,100,101,99,abc,100,1000';
    rows[13] = '2023-01-23,100,101,99,,100,1000';
    rows[16] = '2023-01-26,100,101,-99,100,100,1000';
    rows[19] = '2023-01-31,0,101,99,100,100,1000';
    rows[22] = '2023-02-03,100,95,99,97,100,1000';
    rows[25] = '2023-02-08,100,101,99,100,100,-5';
    const { batch, findings } = await findingsFor(rows);
    expect(batch.droppedRows).toBe(6);
    expect(findings.map((f) => (f.kind === 'rejected-row' ? `${f.date} ${f.reason}` : f.kind))).toEqual([
      '2023-01-18 missing-value',
      '2023-01-23 missing-value',
      '2023-01-26 non-positive-price',
      '2023-01-31 non-positive-price',
      '2023-02-03 high-below-low',
      '2023-02-08 negative-volume',
    ]);
    expect(findings.every((f) => f.action === 'dropped')).toBe(true);
    expect(findings[4]?.message).toBe('TEST 2023-02-03: row dropped (high-below-low: high 95 below low 99)');
  });

  it('keeps the first row of a duplicated date and reports the date', async () => {
    const rows = cleanRows();
    rows.splice(21, 0, '2023-02-01,50,51,49,50,50,1000');
    expect(rows[20]?.startsWith('2023-02-01,')).toBe(true);
    const { batch, findings } = await findingsFor(rows);
    expect(kinds(findings)).toEqual(['duplicate-date 2023-02-01']);
    expect(findings[0]?.action).toBe('kept-first');
    expect(batch.bars.find((bar) => bar.ts.startsWith('2023-02-01'))?.close).toBeCloseTo(100.2, 6);
    expect(batch.droppedRows).toBe(1);
  });

  it('reports a 30-day hole as one gap of the sessions it misses', async () => {
    const rows = cleanRows().filter((row) => row < '2023-03-01' || row >= '2023-03-31');
    const { findings } = await findingsFor(rows);
    expect(findings).toMatchObject([
      { kind: 'gap', date: '2023-03-01', nextDate: '2023-03-31', missingSessions: 22, action: 'kept' },
    ]);
  });

  it('leaves a missing session or two alone (a halt), below the gap threshold', async () => {
    const rows = cleanRows().filter((row) => !row.startsWith('2023-03-01') && !row.startsWith('2023-03-02'));
    expect((await findingsFor(rows)).findings).toEqual([]);
  });

  it('reports a ×100 close that reverts the next day as a spike, and not a lasting jump', async () => {
    const rows = cleanRows();
    rows[30] = '2023-02-15,100,10100,99,10000,10000,1000';
    // A lasting ×0.5 step (an unadjusted 2:1 split, say) from 2023-05-01 on: a jump, not a bad tick.
    const halved = rows.map((row) => {
      if (row < '2023-05-01') return row;
      const [date, ...values] = row.split(',');
      return [date, ...values.slice(0, 5).map((v) => Number(v) / 2), values[5]].join(',');
    });
    const { findings } = await findingsFor(halved);
    expect(findings).toMatchObject([{ kind: 'spike', date: '2023-02-15', close: 10000, action: 'kept' }]);
    expect(findings[0]?.message).toContain('×99.7 the close before (100.29)');
  });

  it('reports a requested range past the data at either end', async () => {
    const rows = cleanRows('2023-02-01', '2023-05-31');
    const { findings } = await findingsFor(rows, { from: '2023-01-01', to: '2023-06-30' });
    expect(findings).toMatchObject([
      { kind: 'range-not-covered', end: 'start', date: '2023-01-03', missingSessions: 20, action: 'cut' },
      { kind: 'range-not-covered', end: 'end', date: '2023-05-31', missingSessions: 21, action: 'cut' },
    ]);
    expect(findings[1]?.message).toBe(
      'TEST: data ends 2023-05-31, 21 session(s) before the requested end 2023-06-30; the run is cut there',
    );
  });

  it('looks only from inspectFrom on, and reports a count when the source sent no reasons', async () => {
    const rows = cleanRows();
    rows[2] = '2023-01-05,100,101,99,abc,100,1000';
    rows[40] = '2023-03-02,100,101,99,abc,100,1000';
    const { batch } = await findingsFor(rows);
    expect(kinds(inspectDataQuality({ symbol: 'TEST', batch, inspectFrom: '2023-02-01' }))).toEqual([
      'rejected-row 2023-03-02',
    ]);
    const countOnly = { bars: batch.bars, droppedRows: 2 };
    expect(inspectDataQuality({ symbol: 'TEST', batch: countOnly })).toMatchObject([
      { kind: 'dropped-rows', count: 2, action: 'dropped' },
    ]);
  });

  it('names the findings in the strict-mode error', async () => {
    const rows = cleanRows();
    rows[14] = '2023-01-24,100,95,99,97,100,1000';
    const error = new DataQualityError((await findingsFor(rows)).findings);
    expect(error.message).toBe(
      'strict data mode: 1 data-quality finding(s), run refused\n  TEST 2023-01-24: row dropped (high-below-low: high 95 below low 99)',
    );
  });
});

const dataDir = loadConfig().data.dir;

describe.skipIf(dataDir === undefined)('inspectDataQuality on the shared data folder (DATA__DIR)', () => {
  it('finds nothing in the whole history of every symbol (split-adjusted: splits are no spikes)', async () => {
    const provider = new LocalCsvProvider({ path: dataDir as string });
    const symbols = provider.symbols();
    expect(symbols.length).toBeGreaterThanOrEqual(36);
    const findings: DataQualityFinding[] = [];
    for (const symbol of symbols) {
      const batch = await provider.fetchBars({ symbol, timeframe: '1d', from: '', to: '' });
      findings.push(...inspectDataQuality({ symbol, batch }));
    }
    expect(findings.map((f) => f.message)).toEqual([]);
  });
});
