import type { AppConfig } from './load';
import type { EnvKey } from './schema';

type Trading = AppConfig['trading'];

/** The trading settings a run may take from configuration, and the TRADING__* key behind each. */
export const RUN_SETTING_KEYS = {
  initialCapital: 'TRADING__INITIAL_CAPITAL',
  symbols: 'TRADING__SYMBOLS',
  commissionBps: 'TRADING__COMMISSION_BPS',
  slippageBps: 'TRADING__SLIPPAGE_BPS',
  riskFreeRate: 'TRADING__RISK_FREE_RATE',
} as const satisfies Partial<Record<keyof Trading, EnvKey>>;

/** The run settings the user configured; a setting whose key was left unset is absent. */
export type ConfiguredTrading = Partial<Pick<Trading, keyof typeof RUN_SETTING_KEYS>>;

/**
 * The TRADING__* run settings the user set (environment or .env; `configuredKeys()`), for backtests and paper runs
 * alike. Keys left at their schema defaults add nothing, so a run keeps its own defaults (the IBKR per-share
 * commission, 5 bp slippage): flags and request fields win over these, these over the run's defaults.
 */
export function configuredTrading(trading: Trading, configured: ReadonlySet<EnvKey>): ConfiguredTrading {
  const settings: Record<string, unknown> = {};
  for (const [setting, key] of Object.entries(RUN_SETTING_KEYS))
    if (configured.has(key)) settings[setting] = trading[setting as keyof typeof RUN_SETTING_KEYS];
  return settings as ConfiguredTrading;
}
