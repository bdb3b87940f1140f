import { describe, expect, it } from 'vitest';
import { reportBaseName } from './paths';

describe('reportBaseName', () => {
  const request = { strategy: 'multi-agent', start: '2023-01-01', end: '2023-12-31', symbols: ['AAPL'] };

  it('names strategy and period, then a digest of the settings', () => {
    expect(reportBaseName(request)).toMatch(/^backtest-multi-agent-2023-01-01-2023-12-31-[0-9a-f]{8}$/);
  });

  it('is the same for the same settings in any key order, and differs when a setting differs', () => {
    const reordered = { symbols: ['AAPL'], end: '2023-12-31', start: '2023-01-01', strategy: 'multi-agent' };
    expect(reportBaseName(reordered)).toBe(reportBaseName(request));
    expect(reportBaseName({ ...request, symbols: ['AAPL', 'MSFT'] })).not.toBe(reportBaseName(request));
  });
});
