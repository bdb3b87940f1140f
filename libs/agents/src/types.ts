import type {
  AgentDecision,
  AgentName,
  EvidenceSnapshot,
  MarketSnapshot,
  NewsItem,
  PortfolioState,
  RiskAssessment,
  TickerSymbol,
} from '@ats/contracts';
import type { LlmUsage } from './llm';
import type { HistoryColumns } from './snapshot';

/** Everything the team may see at one decision time; nothing in it is later than `asOf`. */
export interface DecisionContext {
  /** ISO UTC decision time = close of bar t. */
  readonly asOf: string;
  readonly correlationId: string;
  /** One per symbol; indicators from bars <= asOf; history = last N bars <= asOf (N = lookback, default 260). */
  readonly snapshots: readonly MarketSnapshot[];
  /** Published at or before asOf (agents filter again: an item later than asOf is ignored). */
  readonly news: readonly NewsItem[];
  /**
   * The five sentiment sources (news, social, market mood, insider, 13F) at asOf, when the run has an evidence
   * source. Every item carries `availableAt`; the sentiment agent uses an item only when `availableAt <= asOf`.
   */
  readonly evidence?: EvidenceSnapshot;
  /** As of asOf, marked at the close of t. */
  readonly portfolio: PortfolioState;
  /**
   * Optional account equity history up to asOf (oldest first) for drawdown monitoring. Without it the risk manager
   * measures drawdown from the high-water mark it has seen itself.
   */
  readonly equityHistory?: readonly number[];
  /**
   * Format the reasoning texts (default true). A run that keeps none of them (a backtest without recorded
   * reasoning) sets false and every reasoning is ''. The team ignores false unless all four agents reason by rules
   * in this process: an LLM reads the rule reasoning in its prompt.
   */
  readonly explain?: boolean;
  /**
   * Flat ts/close columns of each snapshot's history, index for index with `snapshots` (SymbolFeed.historyColumns),
   * when the driver streams the snapshots itself: universe statistics read them instead of the Bar objects, to the
   * same result. In-process only: the wire contract has no such field.
   */
  readonly historyColumns?: readonly (HistoryColumns | undefined)[];
}

/** Desired holding after the cycle. */
export interface TargetPosition {
  readonly symbol: TickerSymbol;
  /** Fraction of equity; >= 0 (long-only by default). */
  readonly targetWeight: number;
  /** Consensus score in [-1, 1] behind the target. */
  readonly score: number;
  readonly reasoning: string;
}

export interface DegradedAgent {
  readonly agent: string;
  readonly reason: string;
}

export interface CycleOutcome {
  /** technical + sentiment + portfolio decisions, per symbol, in snapshot order. */
  readonly decisions: AgentDecision[];
  readonly risk: RiskAssessment;
  readonly targets: TargetPosition[];
  readonly degraded: DegradedAgent[];
}

export type OrchestrationPattern = 'sequential' | 'parallel' | 'hierarchical';

/** Settings of one agent, as in the seed: the LLM ones are used only when an LLM reasoner is configured. */
export interface AgentConfig {
  readonly name: AgentName;
  readonly model: string;
  readonly temperature: number;
  readonly maxTokens: number;
  /** Per-call budget of an asynchronous (LLM or remote) call; the offline reasoner is synchronous and bounded. */
  readonly timeoutMs: number;
  /** Extra attempts after a failed LLM call or an answer that does not validate. */
  readonly retryAttempts: number;
}

/** Input of a signal agent: the context, what agents before it decided, and an optional longer horizon. */
export interface SignalRequest {
  readonly ctx: DecisionContext;
  readonly priorDecisions: readonly AgentDecision[];
  /** Restrict to these symbols (hierarchical pattern); all snapshots when absent. */
  readonly symbols?: readonly TickerSymbol[];
  /** 'long': weigh long-horizon evidence more (asked by the portfolio manager when signals conflict). */
  readonly horizon?: 'standard' | 'long';
}

/** What an agent returns: its decisions, plus why it ran in a degraded way (LLM fallback) and what the LLM cost. */
export interface SignalBatch {
  readonly decisions: AgentDecision[];
  readonly degraded?: string;
  readonly usage?: LlmUsage;
}

/** A technical or sentiment agent: local (offline/LLM) or a NATS proxy standing in for one. */
export interface SignalAgent {
  readonly config: AgentConfig;
  analyze(request: SignalRequest): Promise<SignalBatch>;
}
