import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BacktestRequestSchema } from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import { expandSweep, parseSweepAxis, parseWalkForward } from './sweep';
import type { SweepRunRow } from './sweep-queue';
import { renderSweepStatistics, summariseSweep, sweepStatistics } from './sweep-statistics';

const TOLERANCE = 1e-9;

/** Park–Miller LCG, as in libs/performance's overfitting test (same draws as its Python reference). */
function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 16807) % 2147483647;
    return x / 2147483647;
  };
}

/** Business days from 2023-01-03 (weekends skipped), as the stored curves' bar times. */
function tradingDays(count: number, from = '2023-01-02'): string[] {
  const days: string[] = [];
  const d = new Date(`${from}T00:00:00.000Z`);
  while (days.length < count) {
    const weekday = d.getUTCDay();
    if (weekday !== 0 && weekday !== 6) days.push(d.toISOString());
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return days;
}

/** Equity curves of 20 trials whose 250 daily returns are the reference matrix (base point first). */
function twentyCurves(): { ts: string; equity: number }[][] {
  const u = lcg(20231229);
  const returns = Array.from({ length: 250 }, () =>
    Array.from({ length: 20 }, (_, n) => 0.0003 + 0.00002 * n + 0.012 * (u() + u() + u() - 1.5)),
  );
  const days = tradingDays(251);
  return Array.from({ length: 20 }, (_, n) => {
    let equity = 100_000;
    const curve = [{ ts: days[0] as string, equity }];
    returns.forEach((row, t) => {
      equity *= 1 + (row[n] as number);
      curve.push({ ts: days[t + 1] as string, equity });
    });
    return curve;
  });
}

const base = BacktestRequestSchema.parse({ start: '2023-01-01', end: '2023-12-31', attribution: false });

describe('sweep overfitting statistics', () => {
  it('a 20-case sweep gives the deflated Sharpe and PBO of the reference to 1e-9, on the console and in JSON', () => {
    const values = Array.from({ length: 20 }, (_, i) => i / 20).join(',');
    const cases = expandSweep(base, [parseSweepAxis(`weights.technical=${values}`)]);
    const curves = twentyCurves();
    const rows: SweepRunRow[] = cases.map((_, i) => ({
      id: `run-${i}`,
      status: 'completed',
      startedAt: new Date(0),
      finishedAt: new Date(0),
      metrics: { sharpe: i / 10 },
      equityCurve: curves[i] as { ts: string; equity: number }[],
      failure: null,
    }));
    const out = mkdtempSync(join(tmpdir(), 'sweep-stats-'));
    const summary = summariseSweep('sweep-test', cases, rows, out);
    const { statistics } = summary;
    expect(statistics.trials).toBe(20);
    expect(statistics.observations).toBe(250);
    // Reference (scipy, see libs/performance/src/overfitting.test.ts): best trial 15, DSR 0.758455366513366,
    // SR0 0.120573955167993; PBO with S = 16 0.351592851592852.
    expect(statistics.deflatedSharpe?.bestLabel).toBe('weights.technical=0.75');
    expect(Math.abs((statistics.deflatedSharpe?.deflatedSharpe as number) - 0.758455366513366)).toBeLessThan(
      TOLERANCE,
    );
    expect(
      Math.abs((statistics.deflatedSharpe?.expectedMaxSharpe as number) - 0.120573955167993),
    ).toBeLessThan(TOLERANCE);
    expect(statistics.overfitting?.partitions).toBe(16);
    expect(Math.abs((statistics.overfitting?.pbo as number) - 0.351592851592852)).toBeLessThan(TOLERANCE);
    expect(summary.text).toContain('deflated Sharpe ratio  0.7585');
    expect(summary.text).toContain('probability of backtest overfitting (CSCV)  0.3516');
    const json = JSON.parse(readFileSync(summary.jsonPath, 'utf8'));
    expect(json.cases).toHaveLength(20);
    expect(json.statistics.overfitting.pbo).toBeCloseTo(0.351592851592852, 11);
  });

  it('walk-forward: picks the best case of each window and reports how it did in the next', () => {
    const cases = expandSweep(
      BacktestRequestSchema.parse({ start: '2023-01-01', end: '2023-12-31' }),
      [parseSweepAxis('weights.technical=0.2,0.8')],
      parseWalkForward('4m'),
    );
    // Three windows × two cases, Sharpe per case: window 1 (0.2: 1.0, 0.8: 2.0), window 2 (0.5, -0.5),
    // window 3 (3.0, 1.0). Chosen in window 1: 0.8 → OOS −0.5, rank 2/2; chosen in window 2: 0.2 → OOS 3.0, 1/2.
    const sharpes = [1.0, 2.0, 0.5, -0.5, 3.0, 1.0];
    const days = tradingDays(260);
    const curves = cases.map((c, i) => {
      const inWindow = days.filter((d) => d.slice(0, 10) >= c.window.start && d.slice(0, 10) <= c.window.end);
      let equity = 1000;
      return {
        sharpe: sharpes[i] as number,
        equityCurve: inWindow.map((ts, k) => {
          equity *= 1 + 0.001 * (((k * (i + 3)) % 7) - 2);
          return { ts, equity };
        }),
      };
    });
    const statistics = sweepStatistics(cases, curves);
    expect(statistics.walkForward.map((r) => [r.chosen, r.outOfSampleSharpe, r.outOfSampleRank])).toEqual([
      ['weights.technical=0.8', -0.5, 2],
      ['weights.technical=0.2', 3.0, 1],
    ]);
    expect(statistics.walkForward[0]?.inSampleSharpe).toBe(2.0);
    expect(statistics.walkForward[1]?.medianSharpe).toBe(2.0);
    // Two trials, windows stitched: every trial has every date but each window's first one (its base point).
    expect(statistics.trials).toBe(2);
    expect(statistics.overfitting).not.toBeNull();
    expect(renderSweepStatistics(statistics)).toContain('OOS rank');
  });

  it('says why PBO is missing for a single trial', () => {
    const cases = expandSweep(base, []);
    const curve = (twentyCurves()[0] as { ts: string; equity: number }[]).slice(0, 30);
    const statistics = sweepStatistics(cases, [{ equityCurve: curve, sharpe: 1 }]);
    expect(statistics.overfitting).toBeNull();
    expect(statistics.deflatedSharpe?.expectedMaxSharpe).toBe(0);
    expect(statistics.notes.join(' ')).toMatch(/PBO: needs at least 2/);
  });
});
