import { weekdayTimestamps } from '@ats/backtest';
import { runBacktestJob } from '@ats/backtest-jobs';
import { BacktestRequestSchema, type Bar, ContractValidationError } from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import { parseCliOptions, USAGE } from '../src/options';

/** A synthetic daily series (a slow sine around 100) so the job runs without the data folder. */
const bars = {
  async loadBars(symbol: string, { to }: { to: string }): Promise<Bar[]> {
    return weekdayTimestamps('2022-01-03', 520)
      .filter((ts) => ts.slice(0, 10) <= to)
      .map((ts, i) => {
        const close = 100 + 10 * Math.sin(i / 15);
        return {
          symbol,
          timeframe: '1d',
          ts,
          open: close,
          high: close,
          low: close,
          close,
          volume: 1e6,
          adjusted: false,
        };
      });
  },
};

const smaRequest = (extra: Record<string, unknown>) =>
  BacktestRequestSchema.parse({
    strategy: 'sma-crossover',
    symbols: ['AAA'],
    benchmark: 'equal-weight',
    attribution: false,
    ...extra,
  });

describe('sma-crossover periods', () => {
  it('--sma-fast / --sma-slow reach the request, and are listed in the usage', () => {
    const { request } = parseCliOptions(['--strategy=sma-crossover', '--sma-fast=5', '--sma-slow=30']);
    expect(request).toMatchObject({ smaFast: 5, smaSlow: 30 });
    expect(parseCliOptions([]).request.smaFast).toBeUndefined();
    expect(USAGE).toMatch(/--sma-fast, --sma-slow/);
  });

  it('refuses periods that are not positive integers with fast < slow, the defaults 20/50 filling a missing one', () => {
    expect(() => parseCliOptions(['--sma-fast=60'])).toThrow(
      /smaFast: `smaFast` must be shorter than `smaSlow`/,
    );
    expect(() => parseCliOptions(['--sma-fast=30', '--sma-slow=30'])).toThrow(ContractValidationError);
    expect(() => parseCliOptions(['--sma-slow=10'])).toThrow(/must be shorter/);
    expect(() => parseCliOptions(['--sma-slow=0'])).toThrow(/smaSlow/);
    expect(() => parseCliOptions(['--sma-fast=2.5'])).toThrow(/smaFast/);
    expect(BacktestRequestSchema.safeParse({ smaFast: 60, smaSlow: 100 }).success).toBe(true);
  });

  it('builds the strategy with the requested periods, 20/50 when omitted', async () => {
    const custom = await runBacktestJob(smaRequest({ smaFast: 5, smaSlow: 30 }), { bars });
    expect(custom.result.config.strategy).toMatchObject({
      name: 'sma-crossover',
      params: { fast: 5, slow: 30 },
    });
    expect(custom.result.fills.length).toBeGreaterThan(0);
    const defaults = await runBacktestJob(smaRequest({}), { bars });
    expect(defaults.result.config.strategy.params).toMatchObject({ fast: 20, slow: 50 });
  });
});
