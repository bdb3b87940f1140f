import { z } from 'zod';
import { AgentDecisionSchema, RiskAssessmentSchema } from './decisions';
import { defineMessage } from './envelope';
import { EvidenceSnapshotSchema } from './evidence';
import { BarColumnsSchema, MarketSnapshotSchema, NewsItemSchema } from './market';
import { AgentNameSchema, CorrelationIdSchema, SymbolSchema, UtcTimestampSchema } from './primitives';
import { PortfolioStateSchema } from './trading';

/**
 * Agent RPC: what an orchestrator sends to a remote technical/sentiment/risk/portfolio agent over
 * `agent.<name>.analyze`, what it gets back, and the heartbeat each agent process publishes. The shapes mirror
 * the in-process interfaces of @ats/agents (SignalRequest, RiskRequest, PortfolioRequest and their results).
 */

/**
 * `backtest`: a backtest asks (replayed history). Its decisions are replied and kept by the backtest, never
 * published on the live `decision.<agent>.<symbol>` subjects, whose subscribers (the API's stream, the audit
 * trail, replay) take everything there for trading.
 */
export const DecisionPurposeSchema = z.enum(['trading', 'backtest']);
export type DecisionPurpose = z.infer<typeof DecisionPurposeSchema>;

/** Everything the team may see at one decision time (the serialisable DecisionContext; nothing later than asOf). */
export const DecisionContextSchema = z.object({
  /** Decision time = close of bar t, ISO UTC. */
  asOf: UtcTimestampSchema,
  correlationId: CorrelationIdSchema,
  snapshots: z.array(MarketSnapshotSchema),
  news: z.array(NewsItemSchema),
  /** The five sentiment sources at asOf (absent when the run has no evidence source). */
  evidence: EvidenceSnapshotSchema.optional(),
  portfolio: PortfolioStateSchema,
  /** Account equity up to asOf, oldest first (drawdown monitoring). */
  equityHistory: z.array(z.number().finite()).optional(),
  /** Why it is decided; absent = trading (live or paper). See DecisionPurposeSchema. */
  purpose: DecisionPurposeSchema.optional(),
});
export type DecisionContextPayload = z.infer<typeof DecisionContextSchema>;

/**
 * The end of a history whose earlier bars the agent replica already holds (ADR 0025): the last bars as columns,
 * the length of the whole history and the digest of the whole (historyDigest in @ats/agent-rpc, sha256 hex). The
 * replica rebuilds the history from a window it kept and checks the digest; when it holds no such window it answers
 * `not_found` and the caller sends the full columns.
 */
export const HistoryTailSchema = z.object({
  tail: BarColumnsSchema,
  length: z.number().int().nonnegative(),
  digest: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 digest in lowercase hex'),
});
export type HistoryTail = z.infer<typeof HistoryTailSchema>;

/**
 * A MarketSnapshot as the agent RPC carries it: its `history` as one set of columns, `bars`, or as the tail of a
 * history the replica holds, `barsTail` (exactly one of the two). Its news may go as `newsAt`, positions in the
 * context's `news` (a snapshot's news are the context's news about its symbol), instead of copies in `news`.
 */
export const WireMarketSnapshotSchema = MarketSnapshotSchema.omit({ history: true })
  .extend({
    bars: BarColumnsSchema.optional(),
    barsTail: HistoryTailSchema.optional(),
    newsAt: z.array(z.number().int().nonnegative()).optional(),
  })
  .superRefine((s, issues) => {
    if (s.newsAt !== undefined && s.news.length > 0)
      issues.addIssue({
        code: 'custom',
        path: ['newsAt'],
        message: 'a snapshot carries its news either as items (news) or as positions in the context (newsAt)',
      });
    if ((s.bars === undefined) === (s.barsTail === undefined))
      issues.addIssue({
        code: 'custom',
        path: ['bars'],
        message: 'a snapshot carries exactly one of bars (the whole history) and barsTail (its end)',
      });
    else if (s.barsTail !== undefined && s.barsTail.tail.ts.length > s.barsTail.length)
      issues.addIssue({
        code: 'custom',
        path: ['barsTail', 'length'],
        message: `is ${s.barsTail.length}, less than the ${s.barsTail.tail.ts.length} bars of the tail`,
      });
  });
export type WireMarketSnapshot = z.infer<typeof WireMarketSnapshotSchema>;

/**
 * The decision context as the agent RPC carries it: DecisionContextSchema with each snapshot's history as columns.
 * A cycle sends its context to all four agents, so the history (~85% of the bytes as Bar objects) dominated every
 * request's encoding, transfer, parsing and validation. The context's news may go as `newsAt`, positions in
 * `evidence.news` (a cycle's news are the evidence's dated headlines, each a NewsItem with more fields), instead of
 * a second copy in `news`: then `news` is empty and each item is the NewsItem fields of the evidence item there.
 */
export const WireDecisionContextSchema = DecisionContextSchema.extend({
  snapshots: z.array(WireMarketSnapshotSchema),
  newsAt: z.array(z.number().int().nonnegative()).optional(),
}).superRefine((ctx, issues) => {
  let newsCount = ctx.news.length;
  if (ctx.newsAt !== undefined) {
    newsCount = ctx.newsAt.length;
    const evidenceNews = ctx.evidence?.news.length;
    if (ctx.news.length > 0)
      issues.addIssue({
        code: 'custom',
        path: ['newsAt'],
        message:
          "a context carries its news either as items (news) or as positions in the evidence's (newsAt)",
      });
    ctx.newsAt.forEach((at, k) => {
      if (evidenceNews === undefined || at >= evidenceNews)
        issues.addIssue({
          code: 'custom',
          path: ['newsAt', k],
          message: `is ${at}, past the evidence's ${evidenceNews ?? 0} news items`,
        });
    });
  }
  ctx.snapshots.forEach((snapshot, s) => {
    snapshot.newsAt?.forEach((at, k) => {
      if (at >= newsCount)
        issues.addIssue({
          code: 'custom',
          path: ['snapshots', s, 'newsAt', k],
          message: `is ${at}, past the context's ${newsCount} news items`,
        });
    });
  });
});
export type WireDecisionContext = z.infer<typeof WireDecisionContextSchema>;

/** A context a backtest sent (its decisions stay off the live decision subjects). */
export function isBacktestContext(ctx: object): boolean {
  return 'purpose' in ctx && ctx.purpose === 'backtest';
}

export const HorizonSchema = z.enum(['standard', 'long']);

/** Ask a signal agent (technical or sentiment) for its decisions. */
export const AnalyzeSignalRequestSchema = z.object({
  ctx: WireDecisionContextSchema,
  /** What agents before it decided this cycle. */
  priorDecisions: z.array(AgentDecisionSchema),
  /** Restrict to these symbols; all snapshots when absent. */
  symbols: z.array(SymbolSchema).optional(),
  horizon: HorizonSchema.optional(),
});
export type AnalyzeSignalRequest = z.infer<typeof AnalyzeSignalRequestSchema>;

/** LLM tokens and cost behind a reply; absent when the offline (rule-based) reasoner answered. */
export const LlmUsageSchema = z.object({
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  costUsd: z.number().finite().nonnegative(),
});

/** A signal agent's answer: decisions, why it ran degraded (LLM fallback), what the LLM cost. */
export const SignalBatchSchema = z.object({
  decisions: z.array(AgentDecisionSchema),
  degraded: z.string().min(1).optional(),
  usage: LlmUsageSchema.optional(),
});
export type SignalBatchPayload = z.infer<typeof SignalBatchSchema>;

/** Ask the risk manager for limits and vetoes given the analysts' decisions. */
export const AssessRiskRequestSchema = z.object({
  ctx: WireDecisionContextSchema,
  priorDecisions: z.array(AgentDecisionSchema),
});
export type AssessRiskRequest = z.infer<typeof AssessRiskRequestSchema>;

const WeightSchema = z.number().finite();

/** Sizing of one symbol: the allowed weight after sizing, the per-symbol cap and the cluster cap. */
export const PositionSizeSchema = z.object({
  symbol: SymbolSchema,
  currentWeight: WeightSchema,
  maxWeight: z.number().min(0).max(1),
  method: z.enum(['volatility', 'atr', 'kelly']),
  /** Annualised realised volatility; null with too little history. */
  realisedVol: z.number().finite().nonnegative().nullable(),
  volatilityTarget: WeightSchema,
  atrBased: WeightSchema,
  kelly: WeightSchema,
  clusterScale: z.number().min(0).max(1),
});

/** The risk manager's answer: assessment (VaR/CVaR, drawdown, limits, vetoes), sizes, correlation, normal VaR. */
export const RiskReportSchema = z.object({
  assessment: RiskAssessmentSchema,
  sizes: z.array(PositionSizeSchema),
  correlation: z.object({
    symbols: z.array(SymbolSchema),
    // Pearson ρ; finite rather than [-1, 1] because a rounding ulp past 1 is not an error.
    matrix: z.array(z.array(z.number().finite())),
    clusters: z.array(z.array(SymbolSchema)),
  }),
  parametric: z.object({
    valueAtRisk95: z.number().finite(),
    valueAtRisk99: z.number().finite(),
    cvar95: z.number().finite(),
    cvar99: z.number().finite(),
  }),
  degraded: z.string().min(1).optional(),
});
export type RiskReportPayload = z.infer<typeof RiskReportSchema>;

/** An agent that failed or ran degraded earlier in the cycle. */
export const DegradedAgentSchema = z.object({ agent: z.string().min(1), reason: z.string().min(1) });

/** Ask the portfolio manager for target weights given the analysts' decisions and the risk report. */
export const PlanPortfolioRequestSchema = z.object({
  ctx: WireDecisionContextSchema,
  decisions: z.array(AgentDecisionSchema),
  risk: RiskReportSchema,
  degraded: z.array(DegradedAgentSchema),
});
export type PlanPortfolioRequest = z.infer<typeof PlanPortfolioRequestSchema>;

/** Desired holding after the cycle: a fraction of equity (long-only) and the consensus score behind it. */
export const TargetPositionSchema = z.object({
  symbol: SymbolSchema,
  targetWeight: z.number().finite().nonnegative(),
  score: z.number().min(-1).max(1),
  reasoning: z.string().min(1),
});

export const PortfolioPlanSchema = z.object({
  decisions: z.array(AgentDecisionSchema),
  targets: z.array(TargetPositionSchema),
  degraded: z.string().min(1).optional(),
});
export type PortfolioPlanPayload = z.infer<typeof PortfolioPlanSchema>;

/** Liveness of one service instance, published every few seconds on `heartbeat.<service>`. */
export const HeartbeatSchema = z.object({
  service: z.string().min(1).max(128),
  /** Unique per process (several instances of one service share a queue group). */
  instanceId: z.string().min(1).max(128),
  agent: AgentNameSchema.optional(),
  ts: UtcTimestampSchema,
  /** Requests being handled right now. */
  inflight: z.number().int().nonnegative(),
  /** Requests handled since start. */
  handled: z.number().int().nonnegative(),
  version: z.string().min(1).max(64),
});
export type Heartbeat = z.infer<typeof HeartbeatSchema>;

/**
 * Message types of the agent RPC (request → reply pairs) and the heartbeat. The requests are version 3: their context
 * carries each history as columns or as the tail of a history the replica holds (WireMarketSnapshotSchema); a
 * request of an earlier version is answered `invalid_request` and dead-lettered as `wrong_version`.
 */
export const AgentMessages = {
  analyzeSignalRequest: defineMessage('AnalyzeSignalRequest', 3, AnalyzeSignalRequestSchema),
  signalBatch: defineMessage('SignalBatch', 1, SignalBatchSchema),
  assessRiskRequest: defineMessage('AssessRiskRequest', 3, AssessRiskRequestSchema),
  riskReport: defineMessage('RiskReport', 1, RiskReportSchema),
  planPortfolioRequest: defineMessage('PlanPortfolioRequest', 3, PlanPortfolioRequestSchema),
  portfolioPlan: defineMessage('PortfolioPlan', 1, PortfolioPlanSchema),
  heartbeat: defineMessage('Heartbeat', 1, HeartbeatSchema),
} as const;
