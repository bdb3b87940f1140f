import { describe, expect, it } from 'vitest';
import { perShareCommission } from '../commission';
import { affordableQuantity } from './affordable';

describe('affordableQuantity', () => {
  it('leaves room for the commission', () => {
    const ibkr = perShareCommission({ perShare: 0.005, minimum: 1, maximumFractionOfValue: 0.01 });
    expect(affordableQuantity(1000, 10, ibkr)).toBe(99); // 100 shares cost 1,000 + 1 commission
    expect(affordableQuantity(1001, 10, ibkr)).toBe(100);
    expect(affordableQuantity(0, 10, ibkr)).toBe(0);
  });
});
