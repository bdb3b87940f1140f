import { describe, expect, it } from 'vitest';
import { portfolioGaugeValues } from './recorders';

describe('portfolioGaugeValues', () => {
  it('measures drawdown below the high-water mark and exposure as fractions of equity', () => {
    const values = portfolioGaugeValues({
      equity: 90_000,
      peakEquity: 120_000,
      longMarketValue: 63_000,
      shortMarketValue: -18_000,
    });
    expect(values.drawdown).toBeCloseTo(0.25, 12);
    expect(values.grossExposure).toBeCloseTo(0.9, 12);
    expect(values.netExposure).toBeCloseTo(0.5, 12);
  });

  it('reads zero drawdown at a new high even when the stored peak lags behind', () => {
    const values = portfolioGaugeValues({
      equity: 101_000,
      peakEquity: 100_000,
      longMarketValue: 0,
      shortMarketValue: 0,
    });
    expect(values.drawdown).toBe(0);
    expect(values.grossExposure).toBe(0);
  });

  it('treats a wiped-out account as fully drawn down with unbounded exposure', () => {
    const values = portfolioGaugeValues({
      equity: -500,
      peakEquity: 100_000,
      longMarketValue: 10_000,
      shortMarketValue: 0,
    });
    expect(values.drawdown).toBe(1);
    expect(values.grossExposure).toBe(Infinity);
  });
});
