import { readFileSync } from 'node:fs';
import { runBacktestJob } from '@ats/backtest-jobs';
import { BacktestRequestSchema, ContractValidationError } from '@ats/contracts';
import { LocalCsvProvider } from '@ats/market-data';
import { renderJsonReport, renderTearSheet } from '@ats/reports';
import { dataFolderPath } from '@ats/tool-testing';
import { describe, expect, it } from 'vitest';
import { parseCliOptions } from '../src/options';

const bars = new LocalCsvProvider();
const readmeDefault = BacktestRequestSchema.parse({});

describe('the README main job: 2023, nine symbols, SPY benchmark, offline reasoner', () => {
  it('trades only 2023, marks SPY on a total-return basis from the 2022 close, and is reproducible', async () => {
    const first = await runBacktestJob(readmeDefault, { bars });
    const second = await runBacktestJob(readmeDefault, { bars });

    const curve = first.result.equityCurve;
    // The base point (the last 2022 close, all cash) then every 2023 trading day.
    expect(curve).toHaveLength(251);
    expect(curve[0]?.ts).toBe('2022-12-30T00:00:00.000Z');
    expect(curve[1]?.ts).toBe('2023-01-03T00:00:00.000Z');
    expect(curve.at(-1)?.ts).toBe('2023-12-29T00:00:00.000Z');
    expect(first.result.stats).toMatchObject({ steps: 250, warmupSteps: 251, symbolDays: 2250 });
    expect(first.result.config.universe).not.toContain('SPY');

    // Independent check of the benchmark: SPY's adjusted-close ratio over the year, read straight from the file.
    const spy = readFileSync(dataFolderPath('ohlcv', 'SPY.csv'), 'utf8').split('\n');
    const adjCloseOn = (date: string) => Number(spy.find((line) => line.startsWith(date))?.split(',')[5]);
    const expectedBenchmark = (readmeDefault.capital * adjCloseOn('2023-12-29')) / adjCloseOn('2022-12-30');
    expect(curve.at(-1)?.benchmark).toBeCloseTo(expectedBenchmark, 6);

    // No fill before the first trading day's close decision: the earliest fill is 2023-01-04's open or later.
    expect(first.result.fills.length).toBeGreaterThan(0);
    expect(first.result.fills.every((f) => f.filledAt >= '2023-01-04T00:00:00.000Z')).toBe(true);
    // Cash never goes negative without margin.
    expect(curve.every((p) => p.cash >= -1e-6)).toBe(true);

    expect(renderJsonReport(first.report)).toBe(renderJsonReport(second.report));
    expect(first.attribution.map((row) => row.variant)).toEqual([
      'all',
      'technical only (without sentiment)',
      'sentiment only (without technical)',
      'adaptive weights (instead of static)',
      'without risk manager (no vetoes, equal slots)',
    ]);
    const html = renderTearSheet(first.report);
    expect(html).not.toMatch(/(src|href)=["']https?:/);
    expect(html).toContain('AAPL, MSFT, NVDA, AMZN, META, TSLA, JPM, XOM, UNH');
  });

  it('runs the baselines on the same engine', async () => {
    const buyAndHold = await runBacktestJob(
      BacktestRequestSchema.parse({ strategy: 'buy-and-hold', attribution: false }),
      { bars },
    );
    // Equal-weight buy-and-hold pays costs and buys at the next open, so it tracks but trails the benchmark.
    const final = buyAndHold.result.equityCurve.at(-1);
    expect(final?.equity).toBeGreaterThan(0.9 * (final?.benchmark ?? 0));
    expect(buyAndHold.attribution).toEqual([]);
    const sma = await runBacktestJob(
      BacktestRequestSchema.parse({ strategy: 'sma-crossover', attribution: false }),
      {
        bars,
      },
    );
    expect(sma.result.config.strategy.name).toMatch(/sma/i);
  });

  it('explains a date range with no data', async () => {
    await expect(
      runBacktestJob(BacktestRequestSchema.parse({ start: '2030-01-01', end: '2030-12-31' }), { bars }),
    ).rejects.toThrow(/no AAPL bars between 2030-01-01 and 2030-12-31/);
  });
});

describe('command-line options', () => {
  it('parses flags into a validated request', () => {
    const options = parseCliOptions([
      '--symbols=aapl,msft',
      '--start=2022-01-01',
      '--end=2022-06-30',
      '--capital=50000',
      '--weights=t=0.7,s=0.3',
      '--pattern=parallel',
      '--commission-bps=2',
      '--no-attribution',
      '--json',
    ]);
    expect(options.request).toMatchObject({
      symbols: ['AAPL', 'MSFT'],
      start: '2022-01-01',
      capital: 50_000,
      weights: { technical: 0.7, sentiment: 0.3 },
      pattern: 'parallel',
      commissionBps: 2,
      attribution: false,
    });
    expect(options.json).toBe(true);
    expect(options.bus).toBe('none');
  });

  it('parses distributed, sweep, walk-forward and worker flags', () => {
    const options = parseCliOptions([
      '--bus=nats',
      '--remote-agents=technical,risk',
      '--sweep=weights.technical=0.4,0.6',
      '--sweep=rebalance=weekly,monthly',
      '--walk-forward=6m',
      '--no-wait',
      '--worker',
    ]);
    expect(options).toMatchObject({
      bus: 'nats',
      remoteAgents: ['technical', 'risk'],
      sweep: [
        { path: 'weights.technical', values: [0.4, 0.6] },
        { path: 'rebalance', values: ['weekly', 'monthly'] },
      ],
      walkForward: { months: 6 },
      wait: false,
      worker: true,
    });
    expect(() => parseCliOptions(['--bus=kafka'])).toThrow(/bus: must be none or nats/);
    expect(() => parseCliOptions(['--remote-agents=oracle'])).toThrow(ContractValidationError);
  });

  it('rejects bad values with every problem named', () => {
    expect(() => parseCliOptions(['--start=2023-13-01', '--capital=-5', '--pattern=star'])).toThrow(
      ContractValidationError,
    );
    try {
      parseCliOptions(['--start=2023-13-01', '--capital=-5', '--pattern=star']);
    } catch (error) {
      expect((error as ContractValidationError).issues.map((i) => i.path).sort()).toEqual([
        'capital',
        'pattern',
        'start',
      ]);
    }
    expect(() => parseCliOptions(['--bogus'])).toThrow(/Unknown option '--bogus'/);
  });

  it('documents every flag in --help', () => {
    const source = readFileSync(new URL('../src/options.ts', import.meta.url), 'utf8');
    const flags = [...source.matchAll(/^ {6}'?([a-z-]+)'?: \{ type:/gm)].map((m) => m[1]);
    const usage = source.slice(source.indexOf('export const USAGE'), source.indexOf('export function'));
    for (const flag of flags)
      expect(usage).toContain(
        `--${['attribution', 'progress', 'wait'].includes(flag ?? '') ? `no-${flag}` : flag}`,
      );
  });
});

describe('configuration defaults for the CLI', () => {
  it('takes TRADING__* settings the user made as defaults, flags first', async () => {
    const { withConfigDefaults } = await import('../src/config-defaults');
    const { configuredKeys, loadConfig } = await import('@ats/config');
    const env = { TRADING__INITIAL_CAPITAL: '250000', TRADING__SLIPPAGE_BPS: '7' };
    const config = loadConfig({ env, envFile: null });
    const argv = withConfigDefaults(
      ['--slippage-bps=2'],
      config.trading,
      configuredKeys({ env, envFile: null }),
    );
    expect(parseCliOptions(argv).request).toMatchObject({ capital: 250_000, slippageBps: 2 });
  });
});
