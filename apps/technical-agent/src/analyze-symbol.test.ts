import { loadConfig } from '@ats/config';
import type { Bar } from '@ats/contracts';
import { openMarketDataPort } from '@ats/market-data';
import { dataFolderPath } from '@ats/tool-testing';
import { describe, expect, it } from 'vitest';
import { analyzeSymbol, type BarSource, formatAnalysis, NoBarsError } from './analyze-symbol';

/** The port the CLI reads through, embedded, on the shared data folder and never downloading. */
const bundled = await openMarketDataPort(
  loadConfig({ env: { DATA__DIR: dataFolderPath(), DATA__DOWNLOAD: 'off' }, envFile: null }),
);
/** A careless source that ignores the date and hands out every bar it has, later ones included. */
const everything: BarSource = { loadBars: (symbol) => bundled.loadBars(symbol) };
const options = { symbol: 'AAPL', date: '2023-06-30', equity: 100_000 } as const;

describe('analyzeSymbol (the analyze CLI)', () => {
  it('decides from bars up to the date only, even when the source offers later ones', async () => {
    const honest = await analyzeSymbol(bundled, { ...options, agent: 'technical' });
    const tempted = await analyzeSymbol(everything, { ...options, agent: 'technical' });
    expect(tempted).toEqual(honest);
    expect(honest).toMatchObject({
      lastBarDate: '2023-06-30',
      asOf: '2023-07-01T00:00:00.000Z',
      close: 193.970001, // the source's 6-decimal close (published 193.97)
    });
    expect(honest.decision).toMatchObject({ agent: 'technical', symbol: 'AAPL', ts: honest.asOf });
  });

  it('uses the last trading day on or before a weekend date', async () => {
    const saturday = await analyzeSymbol(bundled, { ...options, date: '2023-07-01', agent: 'sentiment' });
    expect(saturday.lastBarDate).toBe('2023-06-30');
    expect(saturday.decision?.agent).toBe('sentiment');
  });

  it('gives the risk manager and portfolio manager views with their figures', async () => {
    const risk = await analyzeSymbol(bundled, { ...options, agent: 'risk' });
    expect(risk.decision).toBeUndefined();
    expect(risk.risk?.maxWeightBySymbol.AAPL).toBe(risk.sizing?.maxWeight);
    const portfolio = await analyzeSymbol(bundled, { ...options, agent: 'portfolio' });
    expect(portfolio.decision?.agent).toBe('portfolio');
    expect(portfolio.targetWeight).toBe(portfolio.decision?.supportingData.targetWeight);
    const text = formatAnalysis(portfolio);
    expect(text).toContain(`Signal                ${portfolio.decision?.signal}`);
    expect(text).toContain(portfolio.decision?.reasoning);
  });

  it('says so when there is no bar on or before the date', async () => {
    const empty: BarSource = { loadBars: async (): Promise<Bar[]> => [] };
    await expect(analyzeSymbol(empty, { ...options, agent: 'technical' })).rejects.toBeInstanceOf(
      NoBarsError,
    );
    await expect(
      analyzeSymbol(bundled, { ...options, date: '1990-01-02', agent: 'technical' }),
    ).rejects.toBeInstanceOf(NoBarsError);
  });
});
