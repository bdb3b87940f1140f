import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { resolveDataLocation } from './data-location';
import { evidenceSettings } from './evidence-sources';
import { ENV_SCHEMA, type EnvKey, SECRET_KEYS } from './schema';

const FlatSchema = z.object(ENV_SCHEMA);
type FlatConfig = z.output<typeof FlatSchema>;

export interface ConfigProblem {
  readonly key: string;
  readonly message: string;
}

/** Configuration is invalid; the message lists every bad key and why, so one start-up fixes them all. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p.key}: ${p.message}`).join('\n')}`);
  }
}

export interface LoadConfigOptions {
  /** Variables to read; defaults to process.env. They win over the .env file. */
  readonly env?: Record<string, string | undefined>;
  /** Path of a dotenv file; defaults to `.env` in the current directory. Missing is fine. */
  readonly envFile?: string | null;
}

/** Reads the flat environment, validates every key, and returns the nested typed configuration. */
export function loadConfig(options: LoadConfigOptions = {}): AppConfig {
  const known = configuredValues(options);
  const result = FlatSchema.safeParse(known);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => ({
        key: String(issue.path[0] ?? '(root)'),
        message: issue.message,
      })),
    );
  }
  return toNested(result.data);
}

/** The keys set (non-empty) in the environment or the .env file, as opposed to left at their defaults. */
export function configuredKeys(options: LoadConfigOptions = {}): ReadonlySet<EnvKey> {
  return new Set(Object.keys(configuredValues(options)) as EnvKey[]);
}

function configuredValues(options: LoadConfigOptions): Record<string, string> {
  const fromFile = readEnvFile(options.envFile === undefined ? resolve('.env') : options.envFile);
  const env = { ...fromFile, ...(options.env ?? process.env) };
  const known: Record<string, string> = {};
  for (const key of Object.keys(ENV_SCHEMA)) {
    const value = env[key];
    // An empty value means "not set", as in most dotenv files.
    if (value !== undefined && value !== '') known[key] = value;
  }
  return known;
}

function readEnvFile(path: string | null): Record<string, string> {
  if (path === null || !existsSync(path)) return {};
  return parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
}

function toNested(flat: FlatConfig) {
  return {
    environment: flat.ENVIRONMENT,
    logLevel: flat.LOG_LEVEL,
    service: { name: flat.SERVICE__NAME, metricsPort: flat.SERVICE__METRICS_PORT },
    database: { url: flat.DATABASE__URL },
    nats: { url: flat.NATS__URL, user: flat.NATS__USER, password: flat.NATS__PASSWORD },
    trading: {
      initialCapital: flat.TRADING__INITIAL_CAPITAL,
      /** Limits of every risk manager (embedded teams, the risk-manager service, backtests): fractions of equity. */
      risk: { maxPositionWeight: flat.TRADING__MAX_POSITION_WEIGHT, varLimit99: flat.TRADING__VAR_LIMIT_99 },
      symbols: flat.TRADING__SYMBOLS,
      commissionBps: flat.TRADING__COMMISSION_BPS,
      slippageBps: flat.TRADING__SLIPPAGE_BPS,
      riskFreeRate: flat.TRADING__RISK_FREE_RATE,
    },
    llm: {
      provider: flat.LLM__PROVIDER,
      model: flat.LLM__MODEL,
      baseUrl: flat.LLM__BASE_URL,
      temperature: flat.LLM__TEMPERATURE,
      maxTokens: flat.LLM__MAX_TOKENS,
      timeoutMs: flat.LLM__TIMEOUT_MS,
      retryAttempts: flat.LLM__RETRY_ATTEMPTS,
      cacheMode: flat.LLM__CACHE_MODE,
      // Optional fields (absent = no limit), so settings built by hand need not name them.
      ...(flat.LLM__BUDGET_USD_PER_RUN === undefined
        ? {}
        : { budgetUsdPerRun: flat.LLM__BUDGET_USD_PER_RUN }),
      ...(flat.LLM__BUDGET_USD_PER_DAY === undefined
        ? {}
        : { budgetUsdPerDay: flat.LLM__BUDGET_USD_PER_DAY }),
      /** Per-agent overrides (LLM__<AGENT>__*); undefined fields fall back to the values above. */
      agents: {
        technical: {
          model: flat.LLM__TECHNICAL__MODEL,
          temperature: flat.LLM__TECHNICAL__TEMPERATURE,
          maxTokens: flat.LLM__TECHNICAL__MAX_TOKENS,
          timeoutMs: flat.LLM__TECHNICAL__TIMEOUT_MS,
          retryAttempts: flat.LLM__TECHNICAL__RETRY_ATTEMPTS,
        },
        sentiment: {
          model: flat.LLM__SENTIMENT__MODEL,
          temperature: flat.LLM__SENTIMENT__TEMPERATURE,
          maxTokens: flat.LLM__SENTIMENT__MAX_TOKENS,
          timeoutMs: flat.LLM__SENTIMENT__TIMEOUT_MS,
          retryAttempts: flat.LLM__SENTIMENT__RETRY_ATTEMPTS,
        },
        risk: {
          model: flat.LLM__RISK__MODEL,
          temperature: flat.LLM__RISK__TEMPERATURE,
          maxTokens: flat.LLM__RISK__MAX_TOKENS,
          timeoutMs: flat.LLM__RISK__TIMEOUT_MS,
          retryAttempts: flat.LLM__RISK__RETRY_ATTEMPTS,
        },
        portfolio: {
          model: flat.LLM__PORTFOLIO__MODEL,
          temperature: flat.LLM__PORTFOLIO__TEMPERATURE,
          maxTokens: flat.LLM__PORTFOLIO__MAX_TOKENS,
          timeoutMs: flat.LLM__PORTFOLIO__TIMEOUT_MS,
          retryAttempts: flat.LLM__PORTFOLIO__RETRY_ATTEMPTS,
        },
      },
      openaiApiKey: flat.OPENAI_API_KEY,
      anthropicApiKey: flat.ANTHROPIC_API_KEY,
      groqApiKey: flat.GROQ_API_KEY,
    },
    data: {
      providers: flat.DATA__PROVIDERS,
      ...resolveDataLocation({ dir: flat.DATA__DIR, cacheDir: flat.DATA__CACHE_DIR }),
      download: flat.DATA__DOWNLOAD,
      mode: flat.DATA__MODE,
      strict: flat.DATA__STRICT,
      yahooBaseUrl: flat.DATA__YAHOO_BASE_URL,
      alphaVantageBaseUrl: flat.DATA__ALPHA_VANTAGE_BASE_URL,
      twelveDataBaseUrl: flat.DATA__TWELVE_DATA_BASE_URL,
      alphaVantageApiKey: flat.ALPHA_VANTAGE_API_KEY,
      twelveDataApiKey: flat.TWELVE_DATA_API_KEY,
      /** Read by the data gateway only. */
      gateway: {
        cacheBucket: flat.DATA__CACHE_BUCKET,
        publishIntervalMs: flat.DATA__PUBLISH_INTERVAL_MS,
        publishLookbackDays: flat.DATA__PUBLISH_LOOKBACK_DAYS,
        publishTimeframe: flat.DATA__PUBLISH_TIMEFRAME,
        quotas: {
          alphaVantage: {
            requestsPerMinute: flat.DATA__ALPHA_VANTAGE_REQUESTS_PER_MINUTE,
            requestsPerDay: flat.DATA__ALPHA_VANTAGE_REQUESTS_PER_DAY,
          },
          twelveData: {
            requestsPerMinute: flat.DATA__TWELVE_DATA_REQUESTS_PER_MINUTE,
            requestsPerDay: flat.DATA__TWELVE_DATA_REQUESTS_PER_DAY,
          },
          yahoo: {
            requestsPerMinute: flat.DATA__YAHOO_REQUESTS_PER_MINUTE,
            requestsPerDay: flat.DATA__YAHOO_REQUESTS_PER_DAY,
          },
        },
      },
    },
    orchestrator: {
      runId: flat.ORCHESTRATOR__RUN_ID,
      pattern: flat.ORCHESTRATOR__PATTERN,
      agents: flat.ORCHESTRATOR__AGENTS,
      intervalMs: flat.ORCHESTRATOR__INTERVAL_MS,
      asOfDate: flat.ORCHESTRATOR__AS_OF,
      namespace: flat.ORCHESTRATOR__NAMESPACE,
      maxDegradedShare: flat.ORCHESTRATOR__MAX_DEGRADED_SHARE,
      busOutageBudgetMs: flat.ORCHESTRATOR__BUS_OUTAGE_BUDGET_MS,
    },
    api: {
      host: flat.API__HOST,
      port: flat.API__PORT,
      corsOrigins: flat.API__CORS_ORIGINS,
      accessTokenSecret: flat.API__ACCESS_TOKEN_SECRET,
      rateLimit: { max: flat.API__RATE_LIMIT_MAX, timeWindowMs: flat.API__RATE_LIMIT_WINDOW_MS },
      addressLimit: {
        max: flat.API__ADDRESS_RATE_LIMIT_MAX,
        failedAuthMax: flat.API__FAILED_AUTH_LIMIT_MAX,
        timeWindowMs: flat.API__RATE_LIMIT_WINDOW_MS,
      },
      requiredServices: flat.API__REQUIRED_SERVICES,
      cycleTimeoutMs: flat.API__CYCLE_TIMEOUT_MS,
    },
    /** Read by libs/evidence (`evidenceSourceFromConfig`). */
    evidence: evidenceSettings(flat),
    /** Values of every configured secret, for value-based log redaction. */
    secretValues: SECRET_KEYS.map((key: EnvKey) => flat[key]).filter(
      (v): v is string => typeof v === 'string' && v.length > 0,
    ),
  };
}

export type AppConfig = ReturnType<typeof toNested>;
