import { type AppConfig, type ConfiguredTrading, configuredTrading, type EnvKey } from '@ats/config';

/** The backtest flags the environment may default, and the configured run setting that stands in for each. */
const FLAG_DEFAULTS: readonly {
  readonly flag: string;
  readonly value: (settings: ConfiguredTrading) => string | undefined;
}[] = [
  { flag: 'capital', value: (s) => s.initialCapital?.toString() },
  { flag: 'symbols', value: (s) => s.symbols?.join(',') },
  { flag: 'commission-bps', value: (s) => s.commissionBps?.toString() },
  { flag: 'slippage-bps', value: (s) => s.slippageBps?.toString() },
  { flag: 'risk-free', value: (s) => s.riskFreeRate?.toString() },
];

const hasFlag = (argv: readonly string[], flag: string) =>
  argv.some((arg) => arg === `--${flag}` || arg.startsWith(`--${flag}=`));

/**
 * The command line with `--flag=value` added for each TRADING__* key the user set (environment or .env) and whose
 * flag is absent: flags win over configuration, configuration over the BacktestRequest defaults. Keys left at
 * their schema defaults add nothing (configuredTrading), so an unconfigured run is the README's main job unchanged.
 * Wiring (main.ts): `parseCliOptions(withConfigDefaults(argv, loadConfig().trading, configuredKeys()))`.
 */
export function withConfigDefaults(
  argv: readonly string[],
  trading: AppConfig['trading'],
  configured: ReadonlySet<EnvKey>,
): string[] {
  const settings = configuredTrading(trading, configured);
  const added: string[] = [];
  for (const { flag, value } of FLAG_DEFAULTS) {
    const configuredValue = value(settings);
    if (configuredValue !== undefined && !hasFlag(argv, flag)) added.push(`--${flag}=${configuredValue}`);
  }
  return [...added, ...argv];
}
