import type { AppConfig, EnvKey } from '@ats/config';

/** The backtest flags the environment may default, and the TRADING__* key and value that stand in for each. */
const FLAG_DEFAULTS: readonly {
  readonly flag: string;
  readonly key: EnvKey;
  readonly value: (trading: AppConfig['trading']) => string;
}[] = [
  { flag: 'capital', key: 'TRADING__INITIAL_CAPITAL', value: (t) => String(t.initialCapital) },
  { flag: 'symbols', key: 'TRADING__SYMBOLS', value: (t) => t.symbols.join(',') },
  { flag: 'commission-bps', key: 'TRADING__COMMISSION_BPS', value: (t) => String(t.commissionBps) },
  { flag: 'slippage-bps', key: 'TRADING__SLIPPAGE_BPS', value: (t) => String(t.slippageBps) },
  { flag: 'risk-free', key: 'TRADING__RISK_FREE_RATE', value: (t) => String(t.riskFreeRate) },
];

const hasFlag = (argv: readonly string[], flag: string) =>
  argv.some((arg) => arg === `--${flag}` || arg.startsWith(`--${flag}=`));

/**
 * The command line with `--flag=value` added for each TRADING__* key the user set (environment or .env) and whose
 * flag is absent: flags win over configuration, configuration over the BacktestRequest defaults. Keys left at
 * their schema defaults add nothing, so an unconfigured run is the README's main job unchanged.
 * Wiring (main.ts): `parseCliOptions(withConfigDefaults(argv, loadConfig().trading, configuredKeys()))`.
 */
export function withConfigDefaults(
  argv: readonly string[],
  trading: AppConfig['trading'],
  configured: ReadonlySet<EnvKey>,
): string[] {
  const added = FLAG_DEFAULTS.filter(({ flag, key }) => configured.has(key) && !hasFlag(argv, flag)).map(
    ({ flag, value }) => `--${flag}=${value(trading)}`,
  );
  return [...added, ...argv];
}
