import { describe, expect, it } from 'vitest';
import { MissingMarketContextError } from './errors';
import { fixedBpsSlippage, type SlippageContext, volatilitySlippage, volumeSlippage } from './slippage';

const base: SlippageContext = { symbol: 'AAPL', side: 'BUY', quantity: 1000, referencePrice: 100 };

describe('slippage models', () => {
  it('fixed bps is bps / 10,000', () => {
    expect(fixedBpsSlippage(5).slippageFraction(base)).toBeCloseTo(0.0005, 15);
  });
  it('volatility slippage is k × range fraction', () => {
    expect(volatilitySlippage(0.1).slippageFraction({ ...base, rangeFraction: 0.02 })).toBeCloseTo(0.002, 15);
    expect(() => volatilitySlippage(0.1).slippageFraction(base)).toThrow(MissingMarketContextError);
  });
  it('volume slippage follows the square-root law by default', () => {
    // participation 1000 / 100,000 = 1%; sqrt = 0.1; × 0.1 coefficient = 1%
    expect(
      volumeSlippage({ impactCoefficient: 0.1 }).slippageFraction({ ...base, averageVolume: 100_000 }),
    ).toBeCloseTo(0.01, 12);
    expect(
      volumeSlippage({ impactCoefficient: 0.1, exponent: 1 }).slippageFraction({
        ...base,
        averageVolume: 100_000,
      }),
    ).toBeCloseTo(0.001, 12);
    expect(() => volumeSlippage({ impactCoefficient: 0.1 }).slippageFraction(base)).toThrow(
      MissingMarketContextError,
    );
  });
});
