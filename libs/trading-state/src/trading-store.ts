import type { AgentDecision, Fill, Order, OrderStatus, PortfolioState } from '@ats/contracts';
import type { Book, PositionRow } from './book';

export type RunKind = 'live' | 'paper' | 'backtest';
export type RunStatus = 'running' | 'completed' | 'failed' | 'cancelled';

export interface RunSpec {
  readonly runId: string;
  readonly kind: RunKind;
  readonly initialCash: number;
  /** What the run was started with (symbols, pattern, models...); stored as JSON, returned on resume. */
  readonly config: Record<string, unknown>;
  readonly startedAt: Date;
}

export interface StoredRun {
  readonly runId: string;
  readonly kind: RunKind;
  readonly status: RunStatus;
  readonly initialCash: number;
  readonly config: Record<string, unknown>;
  readonly startedAt: Date;
}

/** An order as stored, with its status. */
export interface StoredOrder {
  readonly order: Order;
  readonly status: OrderStatus;
  readonly filledQuantity: number;
}

export interface SnapshotRecord {
  readonly runId: string;
  readonly correlationId: string;
  readonly state: PortfolioState;
}

export interface StoredSnapshot {
  readonly correlationId: string | null;
  readonly takenAt: string;
  readonly cash: number;
  readonly equity: number;
}

/** The last committed state of a run: where a restarted process picks up. */
export interface TradingState extends Book {
  readonly run: StoredRun;
  /** Portfolio row version: bumped by every committed change of cash. */
  readonly version: number;
  readonly openOrders: readonly StoredOrder[];
  readonly lastSnapshot?: StoredSnapshot;
}

export interface RecordOrderResult {
  /** The clientOrderId was already recorded (a redelivery or a re-run cycle): nothing changed. */
  readonly duplicate: boolean;
  readonly status: OrderStatus;
}

export interface RecordFillResult {
  /** The fill id was already booked: nothing changed. */
  readonly duplicate: boolean;
  readonly cash: number;
  readonly position: PositionRow;
}

/**
 * The shared state of trading runs. Every method is atomic; a fill moves cash, the position and the order status in
 * one transaction, guarded by version columns (optimistic concurrency) so concurrent writers cannot lose updates.
 */
export interface TradingStore {
  /** Creates the run with its portfolio, or returns the stored one (resumed) when the id exists. */
  openRun(spec: RunSpec): Promise<{ run: StoredRun; resumed: boolean }>;
  loadState(runId: string): Promise<TradingState>;
  /** Idempotent by clientOrderId. */
  recordOrder(order: Order): Promise<RecordOrderResult>;
  /** Idempotent by fillId. Rejects (InvalidFillError) a fill the book cannot take, leaving everything unchanged. */
  recordFill(fill: Fill): Promise<RecordFillResult>;
  /** Cancels or rejects an open order; returns false when it was no longer open. */
  closeOrder(clientOrderId: string, status: 'CANCELLED' | 'REJECTED', reason: string): Promise<boolean>;
  /**
   * Stores one cycle's decisions once: rows the agent services recorded for the cycle (no run, with their inputs
   * summary) become the run's, the rest are written; a re-run cycle replaces what it stored before.
   */
  saveDecisions(runId: string, correlationId: string, decisions: readonly AgentDecision[]): Promise<void>;
  /** One snapshot per (run, cycle); returns false when the cycle already had one. */
  saveSnapshot(snapshot: SnapshotRecord): Promise<boolean>;
  snapshots(runId: string): Promise<StoredSnapshot[]>;
  orders(runId: string): Promise<StoredOrder[]>;
  fills(runId: string): Promise<Fill[]>;
  finishRun(runId: string, status: Exclude<RunStatus, 'running'>, at: Date): Promise<void>;
}
