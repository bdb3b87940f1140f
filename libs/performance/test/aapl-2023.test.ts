import { readFileSync } from 'node:fs';
import { dataFolderPath } from '@ats/tool-testing';
import { describe, expect, it } from 'vitest';
import { computePerformance } from '../src/index';

// Real data: AAPL's daily closes from the data folder (DATA__DIR). Holding one share, the equity curve is the close.
const csv = readFileSync(dataFolderPath('ohlcv', 'AAPL.csv'), 'utf8');
const closes2023 = csv
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(','))
  .filter(([date]) => date!.startsWith('2023-'))
  .map(([date, , , , close]) => ({ ts: `${date}T21:00:00.000Z`, equity: Number(close) }));

/** Independent naive versions: one-pass sums of squares and an O(n²) scan over every (peak, later bar) pair. */
function naive(prices: number[]) {
  const r: number[] = [];
  for (let i = 1; i < prices.length; i++) r.push((prices[i]! - prices[i - 1]!) / prices[i - 1]!);
  let sum = 0;
  let sumSquares = 0;
  for (const x of r) {
    sum += x;
    sumSquares += x * x;
  }
  const n = r.length;
  const avg = sum / n;
  const variance = (sumSquares - n * avg * avg) / (n - 1);
  const vol = Math.sqrt(variance) * Math.sqrt(252);
  let maxDrawdown = 0;
  for (let i = 0; i < prices.length; i++) {
    for (let j = i + 1; j < prices.length; j++) {
      maxDrawdown = Math.max(maxDrawdown, (prices[i]! - prices[j]!) / prices[i]!);
    }
  }
  return { vol, sharpe: (avg / Math.sqrt(variance)) * Math.sqrt(252), maxDrawdown };
}

describe('AAPL 2023 daily closes: library vs naive computation', () => {
  const { metrics } = computePerformance({ equityCurve: closes2023 });
  const expected = naive(closes2023.map((p) => p.equity));

  it('uses the 250 trading days of 2023', () => {
    expect(closes2023).toHaveLength(250);
    expect(metrics.tradingDays).toBe(249);
    // 2023-12-29 close 192.529999 (as the source publishes it) / 2023-01-03 close 125.07 − 1
    expect(metrics.totalReturn).toBeCloseTo(192.529999 / 125.07 - 1, 12);
  });

  it('matches annual volatility, Sharpe and max drawdown', () => {
    expect(metrics.annualVolatility).toBeCloseTo(expected.vol, 10);
    expect(metrics.sharpe).toBeCloseTo(expected.sharpe, 10);
    expect(metrics.maxDrawdown).toBeCloseTo(expected.maxDrawdown, 12);
  });

  it('gives plausible magnitudes for a large-cap stock in a strong year', () => {
    expect(metrics.annualVolatility).toBeGreaterThan(0.15);
    expect(metrics.annualVolatility).toBeLessThan(0.35);
    expect(metrics.sharpe).toBeGreaterThan(1);
    expect(metrics.maxDrawdown).toBeGreaterThan(0.05);
    expect(metrics.maxDrawdown).toBeLessThan(0.25);
    // 250 points → k95 = ⌈249 × 0.05⌉ = 13 worst days; CVaR is at least the VaR
    expect(metrics.conditionalValueAtRisk95!).toBeGreaterThanOrEqual(metrics.valueAtRisk95!);
  });
});
