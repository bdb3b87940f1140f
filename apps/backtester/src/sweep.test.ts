import { BacktestRequestSchema, ContractValidationError } from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import { expandSweep, parseSweepAxis, parseWalkForward, SweepSpecError, walkForwardWindows } from './sweep';

const base = BacktestRequestSchema.parse({ start: '2022-01-01', end: '2023-12-31' });

describe('walk-forward windows', () => {
  it('cuts start..end into consecutive windows with no gap or overlap, the last one cut at end', () => {
    expect(walkForwardWindows('2022-01-01', '2023-03-15', 6)).toEqual([
      { start: '2022-01-01', end: '2022-06-30' },
      { start: '2022-07-01', end: '2022-12-31' },
      { start: '2023-01-01', end: '2023-03-15' },
    ]);
  });

  it('keeps month ends from drifting', () => {
    expect(walkForwardWindows('2023-01-31', '2023-04-30', 1)).toEqual([
      { start: '2023-01-31', end: '2023-02-27' },
      { start: '2023-02-28', end: '2023-03-30' },
      { start: '2023-03-31', end: '2023-04-29' },
      { start: '2023-04-30', end: '2023-04-30' },
    ]);
  });

  it('reads 6m and 1y', () => {
    expect(parseWalkForward('6m')).toEqual({ months: 6 });
    expect(parseWalkForward('1y')).toEqual({ months: 12 });
    expect(() => parseWalkForward('6 weeks')).toThrow(SweepSpecError);
    expect(() => parseWalkForward('0m')).toThrow(SweepSpecError);
  });
});

describe('sweeps', () => {
  it('expands a grid of axes for every window, each request validated', () => {
    const cases = expandSweep(
      base,
      [parseSweepAxis('weights.technical=0.4,0.8'), parseSweepAxis('rebalance=weekly,monthly')],
      parseWalkForward('1y'),
    );
    expect(cases.map((c) => c.label)).toEqual([
      'weights.technical=0.4 rebalance=weekly 2022-01-01..2022-12-31',
      'weights.technical=0.4 rebalance=monthly 2022-01-01..2022-12-31',
      'weights.technical=0.8 rebalance=weekly 2022-01-01..2022-12-31',
      'weights.technical=0.8 rebalance=monthly 2022-01-01..2022-12-31',
      'weights.technical=0.4 rebalance=weekly 2023-01-01..2023-12-31',
      'weights.technical=0.4 rebalance=monthly 2023-01-01..2023-12-31',
      'weights.technical=0.8 rebalance=weekly 2023-01-01..2023-12-31',
      'weights.technical=0.8 rebalance=monthly 2023-01-01..2023-12-31',
    ]);
    expect(cases[2]?.request).toMatchObject({
      start: '2022-01-01',
      end: '2022-12-31',
      rebalance: 'weekly',
      weights: { technical: 0.8, sentiment: 0.4 },
    });
    // The base request is not mutated by the cases.
    expect(base.weights.technical).toBe(0.6);
  });

  it('rejects unknown paths, repeated values and values the request schema refuses', () => {
    expect(() => parseSweepAxis('symbols=AAPL')).toThrow(SweepSpecError);
    expect(() => parseSweepAxis('weights.technical=0.4,0.4')).toThrow(/repeats/);
    expect(() => expandSweep(base, [parseSweepAxis('weights.technical=1.5')])).toThrow(
      ContractValidationError,
    );
  });
});
