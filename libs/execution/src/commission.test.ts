import { describe, expect, it } from 'vitest';
import { basisPointsCommission, flatCommission, noCommission, perShareCommission } from './commission';

describe('perShareCommission (IBKR fixed: 0.005/share, min 1.00, max 1% of value)', () => {
  const ibkr = perShareCommission({ perShare: 0.005, minimum: 1, maximumFractionOfValue: 0.01 });
  it('charges per share above the minimum', () => {
    expect(ibkr.commission(1000, 50)).toBeCloseTo(5, 12); // 1000 × 0.005
  });
  it('charges the minimum on small orders', () => {
    expect(ibkr.commission(100, 50)).toBe(1); // 0.50 < 1.00 minimum
  });
  it('caps at 1% of trade value, even below the minimum', () => {
    expect(ibkr.commission(100, 0.5)).toBeCloseTo(0.5, 12); // value 50, 1% = 0.50 < min 1.00
    expect(ibkr.commission(10_000, 0.2)).toBeCloseTo(20, 12); // 50 by share, capped at 1% of 2000
  });
  it('charges nothing for nothing and rejects negative rates', () => {
    expect(ibkr.commission(0, 10)).toBe(0);
    expect(() => perShareCommission({ perShare: -1 })).toThrow(RangeError);
  });
});

describe('flat and basis-point commissions', () => {
  it('flat is the same per execution', () => {
    const flat = flatCommission(4.95);
    expect(flat.commission(1, 10)).toBe(4.95);
    expect(flat.commission(10_000, 10)).toBe(4.95);
  });
  it('basis points of value with a minimum', () => {
    const bps = basisPointsCommission({ bps: 10, minimum: 5 });
    expect(bps.commission(100, 100)).toBeCloseTo(10, 12); // 10,000 × 0.001
    expect(bps.commission(10, 100)).toBe(5); // 1.00 → minimum 5
  });
  it('none is zero', () => {
    expect(noCommission.commission(100, 100)).toBe(0);
  });
});
