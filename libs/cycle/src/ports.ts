import type { CycleOutcome, DecisionContext, HistoryColumns } from '@ats/agents';
import type { Bar, EvidenceRequest, EvidenceSnapshot, MarketSnapshot, NewsItem } from '@ats/contracts';
import type { CommissionModel, SizingBook, SizingResult, TradingLimits } from '@ats/execution';

/** The agent team (embedded agents or remote proxies): one decision per cycle. */
export interface CycleTeam {
  runCycle(ctx: DecisionContext): Promise<TeamOutcome>;
}

/** What the core reads of a team's outcome (CycleOutcome of @ats/agents, readonly). */
export type TeamOutcome = {
  readonly [K in keyof Pick<
    CycleOutcome,
    'decisions' | 'targets' | 'degraded'
  >]: readonly CycleOutcome[K][number][];
} & { readonly risk?: CycleOutcome['risk'] };

/** Point-in-time evidence of the five sentiment sources (in-process timeline, or md.evidence.get over NATS). */
export interface EvidencePort {
  evidenceAt(request: EvidenceRequest): Promise<EvidenceSnapshot>;
}

/** Per-symbol streamed snapshot source (@ats/agents SymbolFeed): one push per bar, O(1) amortised. */
export interface SnapshotSource {
  push(bar: Bar): void;
  snapshot(options: { asOf?: string; news?: readonly NewsItem[] }): MarketSnapshot;
  /** Flat ts/close columns of the last snapshot's history (SymbolFeed has them), handed to the team beside it. */
  historyColumns?(): HistoryColumns | undefined;
}

/** The decision time of a cycle and the id its orders and audit rows carry. */
export interface CycleTime {
  /** ISO UTC decision time: the close of the cycle's bar. */
  readonly asOf: string;
  readonly correlationId: string;
}

/**
 * Where a cycle's orders go. The backtest's simulated venue queues them for the next bar's open; the paper venue
 * records them with the paper broker. Both expose the account the sizing model works on.
 */
export interface Venue {
  /** The account's pre-trade limits and the venue's commission, which the sizing model prices buys with. */
  readonly limits: TradingLimits;
  readonly commission: CommissionModel;
  /** Holdings, pending orders and cash at the decision close, with the close of each symbol. */
  book(): SizingBook;
  /** Takes the cycle's orders in the model's canonical order (sells, then buys, by symbol). */
  place(sized: SizingResult, cycle: CycleTime): void | Promise<void>;
}
