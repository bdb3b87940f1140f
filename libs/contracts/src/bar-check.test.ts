import { describe, expect, it } from 'vitest';
import { type BarCandidate, BarSchema, isValidBar } from './market';
import { mulberry32 } from './random';

const good: BarCandidate = {
  symbol: 'BRK.B',
  timeframe: '1d',
  ts: '2024-02-29T00:00:00.000Z',
  open: 100,
  high: 101,
  low: 99,
  close: 100.5,
  volume: 0,
  adjusted: false,
  adjClose: 98.7,
};

/** Edge values of each field: every rule of BarSchema on both sides of its line. */
const numbers = [100, 101, 99, 100.5, 0, -0, -1, 5e-324, 1e308, Number.NaN, Infinity, -Infinity, '100', null];
const EDGES: Record<keyof BarCandidate, readonly unknown[]> = {
  symbol: [
    'AAPL',
    'BRK.B',
    'RDS-A',
    'A',
    'A23456789012345',
    'A234567890123456',
    'aapl',
    '1AB',
    '',
    'BRK_B',
    7,
  ],
  timeframe: ['1d', '1m', '5m', '15m', '30m', '1h', '2d', '1D', '', undefined],
  ts: [
    '2024-02-29T00:00:00.000Z',
    '2023-02-29T00:00:00.000Z',
    '2000-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2024-04-31T00:00:00Z',
    '2024-01-02T23:59:59.999999Z',
    '2024-01-02T24:00:00Z',
    '2024-01-02T00:00Z',
    '2024-01-02',
    '2024-01-02T00:00:00+00:00',
    '+010000-01-01T00:00:00.000Z',
    ' 2024-01-02T00:00:00Z',
    '',
    1704153600000,
  ],
  open: numbers,
  high: numbers,
  low: numbers,
  close: numbers,
  volume: numbers,
  adjusted: [true, false, 'true', 0, undefined],
  adjClose: [undefined, 98.7, 0, -1, Number.NaN, Infinity, null, '98'],
};
const FIELDS = Object.keys(EDGES) as (keyof BarCandidate)[];

function agrees(candidate: BarCandidate): void {
  const parsed = BarSchema.safeParse(candidate);
  expect({ candidate, valid: isValidBar(candidate) }).toEqual({ candidate, valid: parsed.success });
  if (parsed.success) expect(parsed.data).toStrictEqual(candidate);
}

describe('isValidBar', () => {
  it('accepts exactly what BarSchema accepts, one field at its edges at a time', () => {
    for (const field of FIELDS)
      for (const value of EDGES[field]) agrees({ ...good, [field]: value } as unknown as BarCandidate);
    const { adjClose: _none, ...withoutAdjClose } = good;
    agrees(withoutAdjClose);
  });

  it('accepts exactly what BarSchema accepts, 20,000 random mixes of edge values', () => {
    const random = mulberry32(20_241_205);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const candidate = { ...good } as Record<string, unknown>;
      // Mostly good bars with one or two fields moved, so both answers are common.
      for (const field of FIELDS) if (random() < 0.15) candidate[field] = pick(EDGES[field]);
      const valid = isValidBar(candidate as unknown as BarCandidate);
      if (valid) accepted++;
      expect(valid).toBe(BarSchema.safeParse(candidate).success);
    }
    expect(accepted).toBeGreaterThan(1000);
    expect(accepted).toBeLessThan(19_000);
  });
});
