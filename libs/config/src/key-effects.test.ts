import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configuredTrading, ENV_SCHEMA, type EnvKey, loadConfig, RUN_SETTING_KEYS } from './index';

/**
 * A distinctive, valid value for every key of the schema (the type makes this table complete): each must change
 * loadConfig's output, so no key is parsed and then dropped on the way to its consumers. Consumers are tested
 * where they live (data gateway settings, agent LLM settings, backtest flag defaults, ...).
 */
const DISTINCTIVE: Record<EnvKey, string> = {
  ENVIRONMENT: 'production',
  LOG_LEVEL: 'trace',
  SERVICE__NAME: 'svc-under-test',
  SERVICE__METRICS_PORT: '9911',
  DATABASE__URL: 'postgresql://ats@db.example:6543/ats',
  NATS__URL: 'nats://bus.example:4333',
  NATS__USER: 'agent-user',
  NATS__PASSWORD: 'nats-secret-value',
  TRADING__INITIAL_CAPITAL: '123456',
  TRADING__MAX_POSITION_WEIGHT: '0.1234',
  TRADING__VAR_LIMIT_99: '0.0333',
  TRADING__SYMBOLS: 'XOM,JPM',
  TRADING__COMMISSION_BPS: '2.5',
  TRADING__SLIPPAGE_BPS: '7.5',
  TRADING__RISK_FREE_RATE: '0.031',
  LLM__PROVIDER: 'anthropic',
  LLM__MODEL: 'model-under-test',
  LLM__BASE_URL: 'http://llm.example:8000/v1',
  LLM__TEMPERATURE: '0.55',
  LLM__MAX_TOKENS: '1234',
  LLM__TIMEOUT_MS: '4567',
  LLM__RETRY_ATTEMPTS: '6',
  LLM__CACHE_MODE: 'replay',
  LLM__BUDGET_USD_PER_RUN: '1.25',
  LLM__BUDGET_USD_PER_DAY: '7.75',
  LLM__TECHNICAL__MODEL: 'technical-model',
  LLM__TECHNICAL__TEMPERATURE: '0.11',
  LLM__TECHNICAL__MAX_TOKENS: '111',
  LLM__TECHNICAL__TIMEOUT_MS: '1111',
  LLM__TECHNICAL__RETRY_ATTEMPTS: '1',
  LLM__SENTIMENT__MODEL: 'sentiment-model',
  LLM__SENTIMENT__TEMPERATURE: '0.22',
  LLM__SENTIMENT__MAX_TOKENS: '222',
  LLM__SENTIMENT__TIMEOUT_MS: '2222',
  LLM__SENTIMENT__RETRY_ATTEMPTS: '2',
  LLM__RISK__MODEL: 'risk-model',
  LLM__RISK__TEMPERATURE: '0.33',
  LLM__RISK__MAX_TOKENS: '333',
  LLM__RISK__TIMEOUT_MS: '3333',
  LLM__RISK__RETRY_ATTEMPTS: '4',
  LLM__PORTFOLIO__MODEL: 'portfolio-model',
  LLM__PORTFOLIO__TEMPERATURE: '0.44',
  LLM__PORTFOLIO__MAX_TOKENS: '444',
  LLM__PORTFOLIO__TIMEOUT_MS: '4444',
  LLM__PORTFOLIO__RETRY_ATTEMPTS: '5',
  OPENAI_API_KEY: 'sk-openai-under-test',
  ANTHROPIC_API_KEY: 'sk-anthropic-under-test',
  GROQ_API_KEY: 'gsk-under-test',
  DATA__PROVIDERS: 'yahoo,local',
  DATA__DIR: '/tmp/ats-data-under-test',
  DATA__CACHE_DIR: '/tmp/ats-cache-under-test',
  DATA__DOWNLOAD: 'off',
  DATA__MODE: 'distributed',
  DATA__STRICT: 'true',
  DATA__YAHOO_BASE_URL: 'http://yahoo.example:1001',
  DATA__ALPHA_VANTAGE_BASE_URL: 'http://av.example:1002',
  DATA__TWELVE_DATA_BASE_URL: 'http://td.example:1003',
  ALPHA_VANTAGE_API_KEY: 'av-key-under-test',
  TWELVE_DATA_API_KEY: 'td-key-under-test',
  DATA__CACHE_BUCKET: 'bucket_under_test',
  DATA__PUBLISH_INTERVAL_MS: '65432',
  DATA__PUBLISH_LOOKBACK_DAYS: '17',
  DATA__PUBLISH_TIMEFRAME: '1h',
  DATA__ALPHA_VANTAGE_REQUESTS_PER_MINUTE: '71',
  DATA__ALPHA_VANTAGE_REQUESTS_PER_DAY: '72',
  DATA__TWELVE_DATA_REQUESTS_PER_MINUTE: '73',
  DATA__TWELVE_DATA_REQUESTS_PER_DAY: '74',
  DATA__YAHOO_REQUESTS_PER_MINUTE: '75',
  DATA__YAHOO_REQUESTS_PER_DAY: '76',
  ORCHESTRATOR__RUN_ID: 'run-under-test',
  ORCHESTRATOR__PATTERN: 'hierarchical',
  ORCHESTRATOR__AGENTS: 'embedded',
  ORCHESTRATOR__INTERVAL_MS: '91000',
  ORCHESTRATOR__AS_OF: '2023-06-30',
  ORCHESTRATOR__NAMESPACE: 'ns-under-test',
  ORCHESTRATOR__MAX_DEGRADED_SHARE: '0.35',
  ORCHESTRATOR__BUS_OUTAGE_BUDGET_MS: '47000',
  API__HOST: '0.0.0.0',
  API__PORT: '8181',
  API__CORS_ORIGINS: 'http://dash.example',
  API__RATE_LIMIT_MAX: '61',
  API__RATE_LIMIT_WINDOW_MS: '6100',
  API__ADDRESS_RATE_LIMIT_MAX: '1201',
  API__FAILED_AUTH_LIMIT_MAX: '31',
  API__REQUIRED_SERVICES: 'technical-agent,risk-manager',
  API__CYCLE_TIMEOUT_MS: '61000',
  API__ACCESS_TOKEN_SECRET: 'an-access-token-secret-of-forty-characters!',
  EVIDENCE__REMOTE: 'auto',
  EVIDENCE__FINNHUB_API_KEY: 'finnhub-key-under-test',
  EVIDENCE__FINNHUB_BASE_URL: 'http://finnhub.example:1004',
  EVIDENCE__STOCKTWITS_BASE_URL: 'http://stocktwits.example:1005',
  EVIDENCE__CNN_BASE_URL: 'http://cnn.example:1006',
  EVIDENCE__SEC_DATA_BASE_URL: 'http://sec-data.example:1007',
  EVIDENCE__SEC_ARCHIVES_BASE_URL: 'http://sec-archives.example:1008',
  EVIDENCE__SEC_USER_AGENT: 'ATS test ops@ats.example',
  EVIDENCE__INSTITUTIONAL_FILERS: '102909,1364742',
};

/** Keys named in .env.example, set or commented out (`# KEY=`). */
function documentedKeys(): string[] {
  const example = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8');
  return example
    .split('\n')
    .map((line) => /^#?\s*([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
    .filter((key): key is string => key !== undefined);
}

describe('every configuration key does what .env.example says', () => {
  const defaults = JSON.stringify(loadConfig({ env: {}, envFile: null }));

  it.each(Object.keys(ENV_SCHEMA) as EnvKey[])('%s changes the loaded configuration', (key) => {
    const value = DISTINCTIVE[key];
    const config = loadConfig({ env: { [key]: value }, envFile: null });
    expect(JSON.stringify(config)).not.toBe(defaults);
    // The value itself (or its parsed form) reaches the nested output; secrets also reach the redaction list.
    const serialised = JSON.stringify({ ...config, secretValues: [] });
    const parsed = [value, String(Number(value)), ...value.split(',')];
    expect(parsed.some((form) => serialised.includes(form))).toBe(true);
  });

  it('has no documented key that nothing reads', () => {
    const readable = new Set(Object.keys(ENV_SCHEMA));
    expect(documentedKeys().filter((key) => !readable.has(key))).toEqual([]);
  });

  it('documents every key it reads', () => {
    const documented = new Set(documentedKeys());
    expect(Object.keys(ENV_SCHEMA).filter((key) => !documented.has(key))).toEqual([]);
  });
});

describe('the TRADING__* run settings reach backtests and paper runs only when set (configuredTrading)', () => {
  it.each(Object.entries(RUN_SETTING_KEYS))('%s from %s', (setting, key) => {
    const config = loadConfig({ env: { [key]: DISTINCTIVE[key] }, envFile: null });
    const settings = configuredTrading(config.trading, new Set([key]));
    expect(Object.keys(settings)).toEqual([setting]);
    expect(String(settings[setting as keyof typeof settings])).toBe(DISTINCTIVE[key]);
  });

  it('gives nothing for keys left at their defaults, so each run keeps its own', () => {
    expect(configuredTrading(loadConfig({ env: {}, envFile: null }).trading, new Set())).toEqual({});
  });
});
