import { TimeframeSchema } from '@ats/contracts';
import { z } from 'zod';
import { EVIDENCE_ENV_SCHEMA, EVIDENCE_SECRET_KEYS } from './evidence-sources';

/** Comma list (`AAPL,MSFT`) or JSON array (`["AAPL","MSFT"]`) of upper-case tickers. */
const symbolList = z.string().transform((raw, ctx) => {
  const trimmed = raw.trim();
  let items: unknown;
  if (trimmed.startsWith('[')) {
    try {
      items = JSON.parse(trimmed);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not valid JSON (use ["AAPL","MSFT"] or AAPL,MSFT)' });
      return z.NEVER;
    }
  } else {
    items = trimmed.split(',').map((s) => s.trim());
  }
  const parsed = z
    .array(z.string().regex(/^[A-Z][A-Z0-9.-]{0,14}$/, 'must be upper-case tickers'))
    .min(1, 'must list at least one symbol')
    .safeParse(items);
  if (!parsed.success) {
    ctx.addIssue({ code: 'custom', message: parsed.error.issues[0]?.message ?? 'invalid symbol list' });
    return z.NEVER;
  }
  return parsed.data;
});

const number = (check: (n: z.ZodNumber) => z.ZodNumber = (n) => n) =>
  z.coerce.number().pipe(check(z.number()));
/** A comma list of free-form names (`a, b,,c` → ['a', 'b', 'c']); empty by default. */
const commaList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  )
  .default([]);
const optionalSecret = z.string().min(1).optional();
const positiveInt = number((n) => n.int().positive());
const llmTemperature = number((n) => n.min(0).max(2));
const llmMaxTokens = number((n) => n.int().positive());
const llmTimeoutMs = number((n) => n.int().positive());
const llmRetryAttempts = number((n) => n.int().min(0).max(10));
const llmBudgetUsd = number((n) => n.positive());
const url = (protocols: RegExp) => z.url({ protocol: protocols, message: 'must be a URL' });

/**
 * Every configuration key, by its environment variable name. `__` separates nesting levels
 * (`TRADING__INITIAL_CAPITAL` → `trading.initialCapital`). Defaults work offline with no keys.
 */
export const ENV_SCHEMA = {
  ENVIRONMENT: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SERVICE__NAME: z.string().min(1).optional(),
  SERVICE__METRICS_PORT: number((n) => n.int().min(0).max(65535)).optional(),

  DATABASE__URL: url(/^postgres(ql)?$/).default('postgresql://postgres@127.0.0.1:5432/postgres'),
  NATS__URL: url(/^(nats|tls|wss?)$/).default('nats://127.0.0.1:4222'),
  NATS__USER: z.string().min(1).optional(),
  NATS__PASSWORD: optionalSecret,

  TRADING__INITIAL_CAPITAL: number((n) => n.positive()).default(100_000),
  /** The risk manager's limits (its DEFAULT_RISK_CONFIG values by default). */
  TRADING__MAX_POSITION_WEIGHT: number((n) => n.gt(0).max(1)).default(0.25),
  TRADING__VAR_LIMIT_99: number((n) => n.gt(0).max(1)).default(0.05),
  TRADING__SYMBOLS: symbolList.default(['AAPL', 'GOOGL', 'MSFT', 'NVDA', 'TSLA']),
  TRADING__COMMISSION_BPS: number((n) => n.min(0)).default(1),
  TRADING__SLIPPAGE_BPS: number((n) => n.min(0)).default(5),
  TRADING__RISK_FREE_RATE: number((n) => n.min(-0.1).max(1)).default(0),

  LLM__PROVIDER: z.enum(['offline', 'openai', 'anthropic', 'openai-compatible']).default('offline'),
  LLM__MODEL: z.string().min(1).optional(),
  LLM__BASE_URL: url(/^https?$/).optional(),
  LLM__TEMPERATURE: llmTemperature.default(0),
  LLM__MAX_TOKENS: llmMaxTokens.default(2000),
  LLM__TIMEOUT_MS: llmTimeoutMs.default(30_000),
  LLM__RETRY_ATTEMPTS: llmRetryAttempts.default(3),
  LLM__CACHE_MODE: z.enum(['read-write', 'replay', 'off']).default('read-write'),
  /** Hard LLM spend limits in USD (unset: no limit); once reached, agents decide by their rules alone. */
  LLM__BUDGET_USD_PER_RUN: llmBudgetUsd.optional(),
  LLM__BUDGET_USD_PER_DAY: llmBudgetUsd.optional(),
  /** Per-agent overrides of the LLM__* values above (unset: the global value), one group per agent. */
  LLM__TECHNICAL__MODEL: z.string().min(1).optional(),
  LLM__TECHNICAL__TEMPERATURE: llmTemperature.optional(),
  LLM__TECHNICAL__MAX_TOKENS: llmMaxTokens.optional(),
  LLM__TECHNICAL__TIMEOUT_MS: llmTimeoutMs.optional(),
  LLM__TECHNICAL__RETRY_ATTEMPTS: llmRetryAttempts.optional(),
  LLM__SENTIMENT__MODEL: z.string().min(1).optional(),
  LLM__SENTIMENT__TEMPERATURE: llmTemperature.optional(),
  LLM__SENTIMENT__MAX_TOKENS: llmMaxTokens.optional(),
  LLM__SENTIMENT__TIMEOUT_MS: llmTimeoutMs.optional(),
  LLM__SENTIMENT__RETRY_ATTEMPTS: llmRetryAttempts.optional(),
  LLM__RISK__MODEL: z.string().min(1).optional(),
  LLM__RISK__TEMPERATURE: llmTemperature.optional(),
  LLM__RISK__MAX_TOKENS: llmMaxTokens.optional(),
  LLM__RISK__TIMEOUT_MS: llmTimeoutMs.optional(),
  LLM__RISK__RETRY_ATTEMPTS: llmRetryAttempts.optional(),
  LLM__PORTFOLIO__MODEL: z.string().min(1).optional(),
  LLM__PORTFOLIO__TEMPERATURE: llmTemperature.optional(),
  LLM__PORTFOLIO__MAX_TOKENS: llmMaxTokens.optional(),
  LLM__PORTFOLIO__TIMEOUT_MS: llmTimeoutMs.optional(),
  LLM__PORTFOLIO__RETRY_ATTEMPTS: llmRetryAttempts.optional(),
  OPENAI_API_KEY: optionalSecret,
  ANTHROPIC_API_KEY: optionalSecret,
  GROQ_API_KEY: optionalSecret,

  DATA__PROVIDERS: z
    .string()
    .transform((s) => s.split(',').map((p) => p.trim()))
    .pipe(z.array(z.enum(['local', 'alpha-vantage', 'twelve-data', 'yahoo'])).min(1))
    .default(['local']),
  /** Folder laid out like the shared data set (ohlcv/, news/, social/, …); default: ../shared/data beside the checkout. */
  DATA__DIR: z.string().min(1).optional(),
  /** Where first-run downloads are kept (git-ignored); default: .data-cache at the workspace root. */
  DATA__CACHE_DIR: z.string().min(1).optional(),
  /** auto: fetch daily bars that no local store has through the provider chain, once; off: never download. */
  DATA__DOWNLOAD: z.enum(['auto', 'off']).default('auto'),
  /** embedded: trading paths read market data in-process; distributed: through the data gateway over NATS. */
  DATA__MODE: z.enum(['embedded', 'distributed']).default('embedded'),
  /** true: a backtest whose data check finds anything (dropped rows, duplicates, gaps, bad ticks) is refused. */
  DATA__STRICT: z.stringbool().default(false),
  /** Provider endpoints (proxies, tests); defaults are the providers' public URLs. */
  DATA__YAHOO_BASE_URL: url(/^https?$/).optional(),
  DATA__ALPHA_VANTAGE_BASE_URL: url(/^https?$/).optional(),
  DATA__TWELVE_DATA_BASE_URL: url(/^https?$/).optional(),
  ALPHA_VANTAGE_API_KEY: optionalSecret,
  TWELVE_DATA_API_KEY: optionalSecret,
  /** Data gateway: JetStream KV bucket of the shared (L2) market-data cache. */
  DATA__CACHE_BUCKET: z
    .string()
    .regex(/^[-\w]+$/, 'must be letters, digits, - or _')
    .default('market_data_cache'),
  /** Data gateway, live mode: how often the providers are asked for new bars. */
  DATA__PUBLISH_INTERVAL_MS: positiveInt.default(15 * 60_000),
  /** Calendar days of recent bars each live poll fetches (covers a long weekend and a missed poll). */
  DATA__PUBLISH_LOOKBACK_DAYS: positiveInt.default(10),
  DATA__PUBLISH_TIMEFRAME: TimeframeSchema.default('1d'),
  /** Data gateway quotas; each overrides one limit of the provider's free tier. */
  DATA__ALPHA_VANTAGE_REQUESTS_PER_MINUTE: positiveInt.optional(),
  DATA__ALPHA_VANTAGE_REQUESTS_PER_DAY: positiveInt.optional(),
  DATA__TWELVE_DATA_REQUESTS_PER_MINUTE: positiveInt.optional(),
  DATA__TWELVE_DATA_REQUESTS_PER_DAY: positiveInt.optional(),
  DATA__YAHOO_REQUESTS_PER_MINUTE: positiveInt.optional(),
  DATA__YAHOO_REQUESTS_PER_DAY: positiveInt.optional(),

  /** Orchestrator service: the run whose state (cash, positions, open orders) it resumes from Postgres. */
  ORCHESTRATOR__RUN_ID: z.string().min(1).default('live'),
  ORCHESTRATOR__PATTERN: z.enum(['sequential', 'parallel', 'hierarchical']).default('sequential'),
  /** remote: agent services over NATS; embedded: agents in-process. */
  ORCHESTRATOR__AGENTS: z.enum(['embedded', 'remote']).default('remote'),
  /** Scheduled cycles every N ms (unset: on demand only). */
  ORCHESTRATOR__INTERVAL_MS: positiveInt.optional(),
  /** Decide as of this date instead of the latest bar. */
  ORCHESTRATOR__AS_OF: z.iso.date().optional(),
  /** Subject prefix, to run several isolated stacks on one NATS server. */
  ORCHESTRATOR__NAMESPACE: z.string().min(1).optional(),
  /** A replay fails (exit 1) when more than this share of its cycles ran without an agent (degraded). */
  ORCHESTRATOR__MAX_DEGRADED_SHARE: number((n) => n.min(0).max(1)).default(0.1),
  /** Remote agents: how long a cycle waits for NATS to come back before the run fails (unset: 60000). */
  ORCHESTRATOR__BUS_OUTAGE_BUDGET_MS: positiveInt.optional(),

  API__HOST: z.string().min(1).default('127.0.0.1'),
  API__PORT: number((n) => n.int().min(0).max(65535)).default(8080),
  API__CORS_ORIGINS: commaList,
  /** Requests per API key per window on /v1 routes. */
  API__RATE_LIMIT_MAX: positiveInt.default(600),
  API__RATE_LIMIT_WINDOW_MS: positiveInt.default(60_000),
  /** Requests per client address per window on /v1 routes, counted before the key is checked. */
  API__ADDRESS_RATE_LIMIT_MAX: positiveInt.default(1_200),
  /** Failed authentications per client address per window; past it the address gets 429 without a key lookup. */
  API__FAILED_AUTH_LIMIT_MAX: positiveInt.default(30),
  /** Services whose heartbeats /ready requires (comma list), e.g. `orchestrator,data-gateway`. */
  API__REQUIRED_SERVICES: commaList,
  /** How long POST /v1/analyze waits for the orchestrator's cycle. */
  API__CYCLE_TIMEOUT_MS: positiveInt.default(120_000),
  /** Signs short-lived read tokens for the dashboard's event stream and report links (>= 32 characters). */
  API__ACCESS_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),

  /** Sentiment evidence sources (news, social, mood, insider, 13F): see evidence-sources.ts. */
  ...EVIDENCE_ENV_SCHEMA,
} as const;

export type EnvKey = keyof typeof ENV_SCHEMA;

/** Keys whose values must never be logged. */
export const SECRET_KEYS: readonly EnvKey[] = [
  'NATS__PASSWORD',
  'OPENAI_API_KEY',
  'ANTHROPIC_API_KEY',
  'GROQ_API_KEY',
  'ALPHA_VANTAGE_API_KEY',
  'TWELVE_DATA_API_KEY',
  'API__ACCESS_TOKEN_SECRET',
  ...EVIDENCE_SECRET_KEYS,
];
