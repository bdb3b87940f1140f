import { z } from 'zod';
import { BacktestRequestSchema } from './backtest';
import { AgentDecisionSchema } from './decisions';
import { defineMessage } from './envelope';
import { HealthResponseSchema } from './http';
import {
  AgentNameSchema,
  IsoDateSchema,
  SideSchema,
  SignalSchema,
  SymbolSchema,
  TimeframeSchema,
  UtcTimestampSchema,
} from './primitives';
import { OrderStatusSchema, OrderTypeSchema } from './trading';

/**
 * Bodies of the public HTTP API (`/v1`) and the two bus exchanges the gateway starts: a cycle run on `cycle.run`
 * (request/reply with the orchestrator) and a backtest job on the `backtest.job` work queue.
 */

// ---- API keys ----------------------------------------------------------------------------------------------

/** `read` sees data, `trade` may start cycles and backtests, `admin` manages keys; each implies the ones before. */
export const ApiScopeSchema = z.enum(['read', 'trade', 'admin']);
export type ApiScope = z.infer<typeof ApiScopeSchema>;

export const ApiKeySummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Public part of the key (`ats_<prefix>_…`), safe to show and log. */
  prefix: z.string(),
  scopes: z.array(ApiScopeSchema),
  createdAt: UtcTimestampSchema,
  revokedAt: UtcTimestampSchema.nullable(),
  lastUsedAt: UtcTimestampSchema.nullable(),
});
export type ApiKeySummary = z.infer<typeof ApiKeySummarySchema>;

export const CreateApiKeyRequestSchema = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(ApiScopeSchema).min(1).max(3),
});

/** The secret is shown once, at creation or rotation; only its SHA-256 is stored. */
export const IssuedApiKeySchema = ApiKeySummarySchema.extend({ key: z.string() });
export type IssuedApiKey = z.infer<typeof IssuedApiKeySchema>;

export const ApiKeyListSchema = z.object({ keys: z.array(ApiKeySummarySchema) });

/**
 * Printable text only: Postgres refuses a NUL byte in text (an id carrying one would fail the query), and no id,
 * run id or correlation id this system makes contains a control character.
 */
const printable = <T extends z.ZodString>(schema: T) =>
  schema.regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');

/** A stored record's id (API key, run, backtest) in a path or query. */
export const RecordIdSchema = printable(z.string().min(1).max(64));

export const IdParamsSchema = z.object({ id: RecordIdSchema });

/** Short-lived signed token for the places a browser cannot send headers (EventSource, report links). */
export const AccessTokenSchema = z.object({ token: z.string(), expiresAt: UtcTimestampSchema });

// ---- readiness and agents ------------------------------------------------------------------------------------

export const InstanceLivenessSchema = z.object({
  service: z.string(),
  instanceId: z.string(),
  agent: z.string().optional(),
  version: z.string(),
  lastSeen: UtcTimestampSchema,
  ageMs: z.number().nonnegative(),
  alive: z.boolean(),
  inflight: z.number().int().nonnegative(),
  handled: z.number().int().nonnegative(),
});

export const ServiceLivenessSchema = z.object({
  service: z.string(),
  alive: z.boolean(),
  liveInstances: z.number().int().nonnegative(),
  instances: z.array(InstanceLivenessSchema),
});

/** `/ready`: dependencies as in /health, plus each service's heartbeat and the required ones that are missing. */
export const ReadyResponseSchema = HealthResponseSchema.extend({
  services: z.array(ServiceLivenessSchema),
  missingServices: z.array(z.string()),
});

export const AgentsResponseSchema = z.object({ services: z.array(ServiceLivenessSchema) });

// ---- runs, portfolio, positions, orders, fills ---------------------------------------------------------------

export const RunKindSchema = z.enum(['live', 'paper', 'backtest']);
export const RunStatusSchema = z.enum(['running', 'completed', 'failed', 'cancelled']);

export const RunSummarySchema = z.object({
  id: z.string(),
  kind: RunKindSchema,
  status: RunStatusSchema,
  startedAt: UtcTimestampSchema,
  finishedAt: UtcTimestampSchema.nullable(),
});
export const RunListSchema = z.object({ runs: z.array(RunSummarySchema) });

/** Which run: the given one, or the latest live/paper run when omitted. */
export const RunQuerySchema = z.object({ runId: RecordIdSchema.optional() });

export const HoldingSchema = z.object({
  symbol: SymbolSchema,
  /** Negative = short. */
  quantity: z.number(),
  averagePrice: z.number(),
  realizedPnl: z.number(),
  updatedAt: UtcTimestampSchema,
});

export const PortfolioResponseSchema = z.object({
  run: RunSummarySchema,
  /** Cash now (the run's cash account). */
  cash: z.number().nullable(),
  /** Equity at the last snapshot (marked at that cycle's prices); null before the first cycle. */
  equity: z.number().nullable(),
  asOf: UtcTimestampSchema.nullable(),
  positions: z.array(HoldingSchema),
});

export const EquityPointSchema = z.object({ ts: UtcTimestampSchema, equity: z.number(), cash: z.number() });
export const EquityCurveResponseSchema = z.object({ runId: z.string(), points: z.array(EquityPointSchema) });

export const PositionsResponseSchema = z.object({ runId: z.string(), positions: z.array(HoldingSchema) });

const limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);

export const OrdersQuerySchema = RunQuerySchema.extend({
  symbol: SymbolSchema.optional(),
  status: OrderStatusSchema.optional(),
  limit: limit(500, 100),
});

export const OrderRecordSchema = z.object({
  id: z.string(),
  clientOrderId: z.string(),
  runId: z.string(),
  correlationId: z.string(),
  symbol: SymbolSchema,
  side: SideSchema,
  type: OrderTypeSchema,
  quantity: z.number(),
  limitPrice: z.number().nullable(),
  stopPrice: z.number().nullable(),
  status: OrderStatusSchema,
  timeInForce: z.string(),
  reason: z.string().nullable(),
  submittedAt: UtcTimestampSchema,
  updatedAt: UtcTimestampSchema,
});
export const OrdersResponseSchema = z.object({ runId: z.string(), orders: z.array(OrderRecordSchema) });

export const FillsQuerySchema = RunQuerySchema.extend({
  symbol: SymbolSchema.optional(),
  limit: limit(500, 100),
});

export const FillRecordSchema = z.object({
  id: z.string(),
  executionId: z.string(),
  orderId: z.string(),
  clientOrderId: z.string(),
  symbol: SymbolSchema,
  side: SideSchema,
  quantity: z.number(),
  price: z.number(),
  commission: z.number(),
  slippage: z.number(),
  filledAt: UtcTimestampSchema,
});
export const FillsResponseSchema = z.object({ runId: z.string(), fills: z.array(FillRecordSchema) });

// ---- decisions -----------------------------------------------------------------------------------------------

/** An instant the database can compare with: ISO-8601's four-digit years, less year 0 (which Postgres lacks). */
const StoredInstantSchema = UtcTimestampSchema.refine((ts) => !ts.startsWith('0000-'), {
  message: 'year 0000 is before any stored time; use 0001 or later',
});

export const DecisionsQuerySchema = z
  .object({
    symbol: SymbolSchema.optional(),
    agent: AgentNameSchema.optional(),
    correlationId: printable(z.string().min(1).max(128)).optional(),
    runId: RecordIdSchema.optional(),
    /** Inclusive lower bound on the decision time. */
    from: StoredInstantSchema.optional(),
    /** Exclusive upper bound on the decision time. */
    to: StoredInstantSchema.optional(),
    limit: limit(200, 50),
    /** Opaque; from the previous page's `nextCursor`. */
    cursor: z
      .string()
      .min(1)
      .max(512)
      .regex(/^[\w-]+$/, 'not a cursor this API issued')
      .optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, {
    message: '`from` must be before `to`',
    path: ['from'],
  });

export const DecisionRecordSchema = z.object({
  id: z.string(),
  runId: z.string().nullable(),
  correlationId: z.string(),
  agent: z.string(),
  symbol: z.string(),
  signal: SignalSchema,
  confidence: z.number(),
  reasoning: z.string(),
  supportingData: z.unknown(),
  decidedAt: UtcTimestampSchema,
});
export type DecisionRecord = z.infer<typeof DecisionRecordSchema>;

/** Newest first, ties broken by id; `nextCursor` is null on the last page. */
export const DecisionsPageSchema = z.object({
  decisions: z.array(DecisionRecordSchema),
  nextCursor: z.string().nullable(),
});

// ---- indicators ----------------------------------------------------------------------------------------------

export const IndicatorSeriesQuerySchema = z
  .object({ from: IsoDateSchema, to: IsoDateSchema })
  .refine((q) => q.from <= q.to, { message: '`from` must not be after `to`', path: ['from'] });

/** One column per indicator aligned with `ts`; null while the indicator warms up. */
export const IndicatorSeriesResponseSchema = z.object({
  symbol: SymbolSchema,
  timeframe: TimeframeSchema,
  provider: z.string(),
  /** Bars before `from` fed to the indicators only to warm them up (no look-ahead: each value uses bars ≤ ts). */
  warmupBars: z.number().int().nonnegative(),
  ts: z.array(UtcTimestampSchema),
  close: z.array(z.number()),
  series: z.record(z.string(), z.array(z.number().nullable())),
});

// ---- analysis cycles (HTTP and the `cycle.run` bus exchange) -------------------------------------------------

export const RunCycleRequestSchema = z.object({
  symbols: z.array(SymbolSchema).min(1).max(100).optional(),
  pattern: z.enum(['sequential', 'parallel', 'hierarchical']).optional(),
});
export type RunCycleRequest = z.infer<typeof RunCycleRequestSchema>;

/** What one cycle concluded: every agent's decisions, the agents that ran degraded, and the resulting targets. */
export const RunCycleResultSchema = z.object({
  runId: z.string(),
  correlationId: z.string(),
  asOf: UtcTimestampSchema,
  status: z.enum(['completed', 'degraded']),
  decisions: z.array(AgentDecisionSchema),
  degraded: z.array(z.object({ agent: z.string(), reason: z.string() })).default([]),
  targets: z
    .array(z.object({ symbol: SymbolSchema, targetWeight: z.number(), score: z.number() }))
    .default([]),
});
export type RunCycleResult = z.infer<typeof RunCycleResultSchema>;

// ---- replay of a recorded cycle (HTTP and the `cycle.replay` bus exchange) ---------------------------------

export const CycleReplayParamsSchema = z.object({ correlationId: printable(z.string().min(8).max(200)) });
export const ReplayCycleRequestSchema = CycleReplayParamsSchema;

const DecisionViewSchema = z.object({ signal: SignalSchema, confidence: z.number(), reasoning: z.string() });

/** A recorded cycle re-run offline on its recorded decision context, and whether it decided the same. */
export const CycleReplaySchema = z.object({
  correlationId: z.string(),
  runId: z.string(),
  asOf: UtcTimestampSchema,
  pattern: z.enum(['sequential', 'parallel', 'hierarchical']),
  identical: z.boolean(),
  recorded: z.number().int().nonnegative(),
  replayed: z.number().int().nonnegative(),
  differences: z.array(
    z.object({
      agent: z.string(),
      symbol: z.string(),
      recorded: DecisionViewSchema.optional(),
      replayed: DecisionViewSchema.optional(),
    }),
  ),
});
export type CycleReplayResult = z.infer<typeof CycleReplaySchema>;

// ---- backtests -----------------------------------------------------------------------------------------------

/** A backtest job on the `backtest.job` work queue; the worker updates the Run row `runId` and adds its result. */
export const BacktestJobSchema = z.object({
  runId: z.string().min(1),
  request: BacktestRequestSchema,
  /** API key id (or `cli:<user>`) that asked for it. */
  requestedBy: z.string().min(1),
  requestedAt: UtcTimestampSchema,
});
export type BacktestJob = z.infer<typeof BacktestJobSchema>;

export const BacktestAcceptedSchema = z.object({
  id: z.string(),
  status: RunStatusSchema,
  links: z.object({ self: z.string(), report: z.string() }),
});

export const BacktestStatusSchema = z.object({
  id: z.string(),
  status: RunStatusSchema,
  startedAt: UtcTimestampSchema,
  finishedAt: UtcTimestampSchema.nullable(),
  request: z.unknown(),
  /** From the stored BacktestResult; null until the worker has finished. */
  metrics: z.record(z.string(), z.unknown()).nullable(),
  hasReport: z.boolean(),
});
export const BacktestListSchema = z.object({
  backtests: z.array(BacktestStatusSchema.omit({ request: true })),
});

/** Bus message types the gateway starts: cycle runs (request/reply) and backtest jobs (JetStream). */
export const ApiMessages = {
  runCycleRequest: defineMessage('RunCycleRequest', 1, RunCycleRequestSchema),
  runCycleResult: defineMessage('RunCycleResult', 1, RunCycleResultSchema),
  replayCycleRequest: defineMessage('ReplayCycleRequest', 1, ReplayCycleRequestSchema),
  cycleReplay: defineMessage('CycleReplay', 1, CycleReplaySchema),
  backtestJob: defineMessage('BacktestJob', 1, BacktestJobSchema),
} as const;
