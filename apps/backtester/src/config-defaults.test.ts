import { configuredKeys, loadConfig } from '@ats/config';
import { describe, expect, it } from 'vitest';
import { withConfigDefaults } from './config-defaults';
import { parseCliOptions } from './options';

const requestFor = (argv: string[], env: Record<string, string>) => {
  const options = { env, envFile: null };
  return parseCliOptions(withConfigDefaults(argv, loadConfig(options).trading, configuredKeys(options)))
    .request;
};

describe('withConfigDefaults (TRADING__* as defaults of the backtest flags)', () => {
  const env = {
    TRADING__INITIAL_CAPITAL: '123456',
    TRADING__SYMBOLS: 'MSFT,XOM',
    TRADING__COMMISSION_BPS: '2.5',
    TRADING__SLIPPAGE_BPS: '7',
    TRADING__RISK_FREE_RATE: '0.031',
  };

  it('uses each configured key when its flag is absent', () => {
    expect(requestFor([], env)).toMatchObject({
      capital: 123_456,
      symbols: ['MSFT', 'XOM'],
      commissionBps: 2.5,
      slippageBps: 7,
      riskFreeRate: 0.031,
    });
  });

  it('lets a flag win over the configuration', () => {
    expect(requestFor(['--capital=5000', '--slippage-bps', '1'], env)).toMatchObject({
      capital: 5000,
      slippageBps: 1,
      commissionBps: 2.5,
    });
  });

  it('adds nothing for keys left at their defaults: the BacktestRequest defaults stand', () => {
    expect(withConfigDefaults(['--json'], loadConfig({ env: {}, envFile: null }).trading, new Set())).toEqual(
      ['--json'],
    );
    const request = requestFor([], {});
    expect(request.capital).toBe(100_000);
    expect(request.commissionBps).toBeUndefined();
    expect(request.symbols).toHaveLength(9);
  });
});
