import type { AgentDecision, Fill, Order, OrderStatus } from '@ats/contracts';
import { insertDecisionRows, Prisma, type PrismaClient } from '@ats/db';
import type { PortfolioLedger } from '@ats/execution';
import { bookFill, ledgerFromFills, type PositionRow } from './book';
import { type CycleDecisionRow, cycleDecisionRows } from './cycle-decisions';
import {
  ConflictingOrderError,
  RunNotFoundError,
  StateConflictError,
  UnknownOrderError,
  VersionConflictError,
} from './errors';
import { isOpen, nextOrderStatus } from './order-lifecycle';
import type {
  RecordFillResult,
  RecordOrderResult,
  RunSpec,
  SnapshotRecord,
  StoredOrder,
  StoredRun,
  StoredSnapshot,
  TradingState,
  TradingStore,
} from './trading-store';

type Tx = Prisma.TransactionClient;
type OrderRow = Prisma.OrderModel;
type FillRow = Prisma.FillModel;

/** What the stored forms are made of: the columns they read of each model. */
type RunFields = Pick<Prisma.RunModel, 'id' | 'kind' | 'status' | 'config' | 'startedAt'>;
type OrderFields = Pick<
  OrderRow,
  | 'clientOrderId'
  | 'runId'
  | 'correlationId'
  | 'symbol'
  | 'side'
  | 'type'
  | 'quantity'
  | 'limitPrice'
  | 'stopPrice'
  | 'status'
  | 'timeInForce'
  | 'reason'
  | 'submittedAt'
>;
type PositionFields = Pick<Prisma.PositionModel, 'symbol' | 'quantity' | 'averagePrice' | 'realizedPnl'>;
type SnapshotFields = Pick<Prisma.PortfolioSnapshotModel, 'correlationId' | 'takenAt' | 'cash' | 'equity'>;

/** loadState's row: the run's columns and its book as JSON (instants in JSON are ISO strings). */
interface StateRow extends RunFields {
  /** Null when the run has no portfolio row. */
  readonly cash: number | null;
  readonly version: number | null;
  readonly positions: PositionFields[];
  readonly openOrders: (Omit<OrderFields, 'submittedAt'> & {
    readonly submittedAt: string;
    readonly fills: Pick<FillRow, 'quantity'>[];
  })[];
  readonly lastSnapshot: (Omit<SnapshotFields, 'takenAt'> & { readonly takenAt: string }) | null;
}

export interface PrismaTradingStoreOptions {
  /** Attempts of one optimistic write before StateConflictError (default 5). */
  readonly maxAttempts?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 5;
/** Quantities below this are float dust: an order whose fills sum to within it of its size is filled. */
const QUANTITY_EPSILON = 1e-9;

const UNIQUE_VIOLATION = 'P2002';

/**
 * TradingStore on Postgres through Prisma. Fills are booked with the shared FIFO ledger of @ats/execution; the
 * ledger of each run is cached with the portfolio version it matches and rebuilt from the stored fills whenever
 * another writer moved the version on.
 */
export class PrismaTradingStore implements TradingStore {
  readonly #prisma: PrismaClient;
  readonly #maxAttempts: number;
  readonly #ledgers = new Map<string, { version: number; ledger: PortfolioLedger }>();

  constructor(prisma: PrismaClient, options: PrismaTradingStoreOptions = {}) {
    this.#prisma = prisma;
    this.#maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  }

  async openRun(spec: RunSpec): Promise<{ run: StoredRun; resumed: boolean }> {
    const existing = await this.#prisma.run.findUnique({ where: { id: spec.runId } });
    if (existing) return { run: toStoredRun(existing), resumed: true };
    try {
      const created = await this.#prisma.run.create({
        data: {
          id: spec.runId,
          kind: spec.kind,
          config: { ...spec.config, initialCash: spec.initialCash } as Prisma.InputJsonObject,
          startedAt: spec.startedAt,
          portfolio: { create: { cash: spec.initialCash } },
        },
      });
      return { run: toStoredRun(created), resumed: false };
    } catch (error) {
      // Two processes opened the same new run at once: the loser resumes the winner's.
      if (isUniqueViolation(error)) return this.openRun(spec);
      throw error;
    }
  }

  /**
   * The run's book in one statement: one consistent snapshot of the database, and one round trip where Prisma's
   * include took six (run, portfolio, positions, open orders, their fills, last snapshot). A paper cycle loads it
   * twice (the broker at the open, the cycle at the close).
   */
  async loadState(runId: string): Promise<TradingState> {
    const [row] = await this.#prisma.$queryRaw<StateRow[]>`
      SELECT r.id, r.kind::text AS kind, r.status::text AS status, r.config, r.started_at AS "startedAt",
        p.cash, p.version,
        COALESCE((
          SELECT json_agg(json_build_object('symbol', x.symbol, 'quantity', x.quantity,
            'averagePrice', x.average_price, 'realizedPnl', x.realized_pnl) ORDER BY x.symbol)
          FROM positions x WHERE x.run_id = r.id), '[]'::json) AS positions,
        COALESCE((
          SELECT json_agg(json_build_object('clientOrderId', o.client_order_id, 'runId', o.run_id,
            'correlationId', o.correlation_id, 'symbol', o.symbol, 'side', o.side, 'type', o.type,
            'quantity', o.quantity, 'limitPrice', o.limit_price, 'stopPrice', o.stop_price, 'status', o.status,
            'timeInForce', o.time_in_force, 'reason', o.reason, 'submittedAt', o.submitted_at,
            'fills', COALESCE((SELECT json_agg(json_build_object('quantity', f.quantity) ORDER BY f.filled_at, f.id)
                               FROM fills f WHERE f.order_id = o.id), '[]'::json))
            ORDER BY o.submitted_at, o.client_order_id)
          FROM orders o WHERE o.run_id = r.id AND o.status IN ('NEW', 'PARTIALLY_FILLED')), '[]'::json)
          AS "openOrders",
        (SELECT json_build_object('correlationId', s.correlation_id, 'takenAt', s.taken_at, 'cash', s.cash,
                                  'equity', s.equity)
         FROM portfolio_snapshots s WHERE s.run_id = r.id ORDER BY s.taken_at DESC LIMIT 1) AS "lastSnapshot"
      FROM runs r LEFT JOIN portfolios p ON p.run_id = r.id
      WHERE r.id = ${runId}`;
    if (row === undefined || row.cash === null || row.version === null) throw new RunNotFoundError(runId);
    const last = row.lastSnapshot;
    return {
      run: toStoredRun(row),
      cash: row.cash,
      version: row.version,
      positions: row.positions.map(toPositionRow),
      openOrders: row.openOrders.map((o) =>
        toStoredOrder({ ...o, submittedAt: new Date(o.submittedAt) }, o.fills),
      ),
      ...(last ? { lastSnapshot: toStoredSnapshot({ ...last, takenAt: new Date(last.takenAt) }) } : {}),
    };
  }

  async recordOrder(order: Order): Promise<RecordOrderResult> {
    if (order.runId === undefined) throw new RangeError(`order ${order.clientOrderId} has no runId`);
    const existing = await this.#prisma.order.findUnique({ where: { clientOrderId: order.clientOrderId } });
    if (existing) return this.#duplicateOrder(existing, order);
    try {
      await this.#prisma.order.create({
        data: {
          clientOrderId: order.clientOrderId,
          runId: order.runId,
          correlationId: order.correlationId ?? order.clientOrderId,
          symbol: order.symbol,
          side: order.side,
          type: order.type,
          quantity: order.quantity,
          limitPrice: order.limitPrice ?? null,
          stopPrice: order.stopPrice ?? null,
          timeInForce: order.timeInForce,
          reason: order.reason ?? null,
          submittedAt: new Date(order.submittedAt),
        },
      });
      return { duplicate: false, status: 'NEW' };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Lost a race with the same order arriving twice at once.
      const winner = await this.#prisma.order.findUniqueOrThrow({
        where: { clientOrderId: order.clientOrderId },
      });
      return this.#duplicateOrder(winner, order);
    }
  }

  async recordFill(fill: Fill): Promise<RecordFillResult> {
    for (let attempt = 1; attempt <= this.#maxAttempts; attempt++) {
      let runId: string | undefined;
      try {
        return await this.#prisma.$transaction(async (tx) => {
          const order = await tx.order.findUnique({
            where: { clientOrderId: fill.clientOrderId },
            include: { fills: true },
          });
          if (!order) throw new UnknownOrderError(fill.clientOrderId);
          runId = order.runId;
          const already = order.fills.find((f) => f.executionId === fill.fillId);
          if (already) return this.#duplicateFill(tx, order.runId, fill.symbol);
          const filledBefore = order.fills.reduce((sum, f) => sum + f.quantity, 0);
          const filledAfter = filledBefore + fill.quantity;
          const status = nextOrderStatus(
            order.clientOrderId,
            order.status,
            filledAfter >= order.quantity - QUANTITY_EPSILON ? 'fill' : 'partialFill',
          );
          return this.#book(tx, order, fill, status);
        });
      } catch (error) {
        if (runId !== undefined) this.#ledgers.delete(runId);
        if (error instanceof VersionConflictError) continue;
        // The same fill booked by a concurrent writer between our read and our insert.
        if (isUniqueViolation(error, 'execution_id')) {
          const order = await this.#prisma.order.findUniqueOrThrow({
            where: { clientOrderId: fill.clientOrderId },
          });
          return this.#duplicateFill(this.#prisma, order.runId, fill.symbol);
        }
        if (isUniqueViolation(error)) continue; // two writers created the same position row at once
        throw error;
      }
    }
    const order = await this.#prisma.order.findUnique({ where: { clientOrderId: fill.clientOrderId } });
    throw new StateConflictError(order?.runId ?? '?', this.#maxAttempts, `book fill ${fill.fillId}`);
  }

  async closeOrder(
    clientOrderId: string,
    status: 'CANCELLED' | 'REJECTED',
    reason: string,
  ): Promise<boolean> {
    const order = await this.#prisma.order.findUnique({ where: { clientOrderId } });
    if (!order) throw new UnknownOrderError(clientOrderId);
    if (!isOpen(order.status)) return false;
    const next = nextOrderStatus(clientOrderId, order.status, status === 'CANCELLED' ? 'cancel' : 'reject');
    // Conditional on the status we read: a fill that landed meanwhile wins over the cancel.
    const { count } = await this.#prisma.order.updateMany({
      where: { clientOrderId, status: order.status },
      data: { status: next, reason },
    });
    return count === 1;
  }

  async saveDecisions(
    runId: string,
    correlationId: string,
    decisions: readonly AgentDecision[],
  ): Promise<void> {
    // Replaces the cycle's rows (this run's, and the agent services' records without a run) with the merged set:
    // rows that continue a stored one keep its id, creation time and inputs summary. DELETE and INSERT only, as the
    // orchestrator's role may (no UPDATE on the audit trail), together in one transaction. With nothing stored (no
    // agent sink, the cycle's first save) the INSERT alone is the change, atomic by itself: two round trips, not five.
    // Read committed either way: a row another writer commits after the read is kept, not merged, as before.
    const stored = await this.#prisma.decision.findMany({
      where: { correlationId, OR: [{ runId }, { runId: null }] },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    const rows = cycleDecisionRows(stored, decisions).map((row) =>
      decisionRowData(runId, correlationId, row),
    );
    if (stored.length === 0) {
      await insertDecisionRows(this.#prisma, rows);
      return;
    }
    await this.#prisma.$transaction(async (tx) => {
      await tx.decision.deleteMany({ where: { id: { in: stored.map((r) => r.id) } } });
      await insertDecisionRows(tx, rows);
    });
  }

  async saveSnapshot(snapshot: SnapshotRecord): Promise<boolean> {
    try {
      await this.#prisma.portfolioSnapshot.create({
        data: {
          runId: snapshot.runId,
          correlationId: snapshot.correlationId,
          takenAt: new Date(snapshot.state.asOf),
          cash: snapshot.state.cash,
          equity: snapshot.state.equity,
          positions: snapshot.state.positions as unknown as Prisma.InputJsonArray,
        },
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async snapshots(runId: string): Promise<StoredSnapshot[]> {
    const rows = await this.#prisma.portfolioSnapshot.findMany({
      where: { runId },
      orderBy: { takenAt: 'asc' },
    });
    return rows.map(toStoredSnapshot);
  }

  async orders(runId: string): Promise<StoredOrder[]> {
    const rows = await this.#prisma.order.findMany({
      where: { runId },
      include: { fills: true },
      orderBy: [{ submittedAt: 'asc' }, { clientOrderId: 'asc' }],
    });
    return rows.map((o) => toStoredOrder(o, o.fills));
  }

  async fills(runId: string): Promise<Fill[]> {
    return fillsOfRun(this.#prisma, runId);
  }

  async finishRun(runId: string, status: 'completed' | 'failed' | 'cancelled', at: Date): Promise<void> {
    await this.#prisma.run.update({ where: { id: runId }, data: { status, finishedAt: at } });
  }

  /** Books the fill: cash first (taking the portfolio row's lock), then the position, the fill and the order. */
  async #book(tx: Tx, order: OrderRow, fill: Fill, status: OrderStatus): Promise<RecordFillResult> {
    const runId = order.runId;
    const portfolio = await tx.portfolio.findUnique({ where: { runId } });
    if (!portfolio) throw new RunNotFoundError(runId);
    const ledger = await this.#ledgerAt(tx, runId, portfolio.version);
    const row = await tx.position.findUnique({ where: { runId_symbol: { runId, symbol: fill.symbol } } });
    const booked = bookFill(ledger, fill, row ? toPositionRow(row) : undefined);
    const moved = await tx.portfolio.updateMany({
      where: { runId, version: portfolio.version },
      data: { cash: booked.cash, version: { increment: 1 } },
    });
    if (moved.count !== 1) throw new VersionConflictError('portfolio', runId, portfolio.version);
    const { quantity, averagePrice, realizedPnl } = booked.position;
    if (row) {
      const updated = await tx.position.updateMany({
        where: { id: row.id, version: row.version },
        data: { quantity, averagePrice, realizedPnl, version: { increment: 1 } },
      });
      if (updated.count !== 1)
        throw new VersionConflictError('position', `${runId}/${fill.symbol}`, row.version);
    } else {
      await tx.position.create({ data: { runId, symbol: fill.symbol, quantity, averagePrice, realizedPnl } });
    }
    await tx.fill.create({
      data: {
        executionId: fill.fillId,
        orderId: order.id,
        symbol: fill.symbol,
        side: fill.side,
        quantity: fill.quantity,
        price: fill.price,
        commission: fill.commission,
        // The table keeps slippage per share; the contract's Fill carries the cost of the whole fill.
        slippage: fill.slippage / fill.quantity,
        filledAt: new Date(fill.filledAt),
      },
    });
    const changed = await tx.order.updateMany({
      where: { id: order.id, status: order.status },
      data: { status },
    });
    if (changed.count !== 1) throw new VersionConflictError('order', order.clientOrderId, 0);
    this.#ledgers.set(runId, { version: portfolio.version + 1, ledger });
    return { duplicate: false, cash: booked.cash, position: booked.position };
  }

  async #ledgerAt(tx: Tx, runId: string, version: number): Promise<PortfolioLedger> {
    const cached = this.#ledgers.get(runId);
    // Taken out of the cache while in use: a failed transaction must not leave a half-booked ledger behind.
    this.#ledgers.delete(runId);
    if (cached && cached.version === version) return cached.ledger;
    const run = await tx.run.findUniqueOrThrow({ where: { id: runId } });
    return ledgerFromFills(initialCashOf(run.config), await fillsOfRun(tx, runId));
  }

  async #duplicateFill(db: Tx, runId: string, symbol: string): Promise<RecordFillResult> {
    const [portfolio, row] = await Promise.all([
      db.portfolio.findUniqueOrThrow({ where: { runId } }),
      db.position.findUnique({ where: { runId_symbol: { runId, symbol } } }),
    ]);
    return {
      duplicate: true,
      cash: portfolio.cash,
      position: row ? toPositionRow(row) : { symbol, quantity: 0, averagePrice: 0, realizedPnl: 0 },
    };
  }

  #duplicateOrder(existing: OrderRow, order: Order): RecordOrderResult {
    // Same id, different terms: a reused id is a bug upstream, not a redelivery; refuse it loudly.
    if (existing.symbol !== order.symbol) throw new ConflictingOrderError(order.clientOrderId, 'symbol');
    if (existing.side !== order.side) throw new ConflictingOrderError(order.clientOrderId, 'side');
    if (Math.abs(existing.quantity - order.quantity) > QUANTITY_EPSILON)
      throw new ConflictingOrderError(order.clientOrderId, 'quantity');
    return { duplicate: true, status: existing.status };
  }
}

async function fillsOfRun(db: Tx, runId: string): Promise<Fill[]> {
  const rows = await db.fill.findMany({
    where: { order: { runId } },
    include: { order: { select: { clientOrderId: true, correlationId: true } } },
    orderBy: [{ filledAt: 'asc' }, { executionId: 'asc' }],
  });
  return rows.map((row) => ({
    ...toFill(row, row.order.clientOrderId),
    runId,
    correlationId: row.order.correlationId,
  }));
}

function toFill(row: FillRow, clientOrderId: string): Fill {
  return {
    fillId: row.executionId,
    clientOrderId,
    symbol: row.symbol,
    side: row.side,
    quantity: row.quantity,
    price: row.price,
    commission: row.commission,
    slippage: row.slippage * row.quantity,
    filledAt: row.filledAt.toISOString(),
  };
}

/** A row of the cycle's decisions as written: the decision's content, the kept row's id, creation time and inputs. */
function decisionRowData(
  runId: string,
  correlationId: string,
  { decision, stored }: CycleDecisionRow<Prisma.DecisionModel>,
): Prisma.DecisionCreateManyInput {
  const kept = stored
    ? {
        id: stored.id,
        createdAt: stored.createdAt,
        ...(stored.inputs === null ? {} : { inputs: stored.inputs as Prisma.InputJsonValue }),
      }
    : {};
  if (!decision)
    return {
      ...kept,
      runId,
      correlationId,
      agent: stored.agent,
      symbol: stored.symbol,
      signal: stored.signal,
      confidence: stored.confidence,
      reasoning: stored.reasoning,
      supportingData: stored.supportingData as Prisma.InputJsonValue,
      decidedAt: stored.decidedAt,
    };
  return {
    ...kept,
    runId,
    correlationId,
    agent: decision.agent,
    symbol: decision.symbol,
    signal: decision.signal,
    confidence: decision.confidence,
    reasoning: decision.reasoning,
    supportingData: decision.supportingData as Prisma.InputJsonObject,
    decidedAt: new Date(decision.ts),
  };
}

function toStoredOrder(row: OrderFields, fills: readonly Pick<FillRow, 'quantity'>[]): StoredOrder {
  const order: Order = {
    clientOrderId: row.clientOrderId,
    symbol: row.symbol,
    side: row.side,
    type: row.type,
    quantity: row.quantity,
    timeInForce: row.timeInForce === 'GTC' ? 'GTC' : 'DAY',
    submittedAt: row.submittedAt.toISOString(),
    runId: row.runId,
    correlationId: row.correlationId,
  };
  if (row.limitPrice !== null) order.limitPrice = row.limitPrice;
  if (row.stopPrice !== null) order.stopPrice = row.stopPrice;
  if (row.reason !== null) order.reason = row.reason;
  return { order, status: row.status, filledQuantity: fills.reduce((sum, f) => sum + f.quantity, 0) };
}

function toPositionRow(row: PositionFields): PositionRow {
  return {
    symbol: row.symbol,
    quantity: row.quantity,
    averagePrice: row.averagePrice,
    realizedPnl: row.realizedPnl,
  };
}

function toStoredSnapshot(row: SnapshotFields): StoredSnapshot {
  return {
    correlationId: row.correlationId,
    takenAt: row.takenAt.toISOString(),
    cash: row.cash,
    equity: row.equity,
  };
}

function toStoredRun(row: RunFields): StoredRun {
  const config = (row.config ?? {}) as Record<string, unknown>;
  return {
    runId: row.id,
    kind: row.kind,
    status: row.status,
    initialCash: initialCashOf(row.config),
    config,
    startedAt: row.startedAt,
  };
}

function initialCashOf(config: Prisma.JsonValue): number {
  const cash = (config as { initialCash?: unknown } | null)?.initialCash;
  if (typeof cash !== 'number' || !Number.isFinite(cash))
    throw new RangeError('run config has no initialCash');
  return cash;
}

function isUniqueViolation(error: unknown, column?: string): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== UNIQUE_VIOLATION)
    return false;
  if (column === undefined) return true;
  return JSON.stringify(error.meta ?? {}).includes(column) || error.message.includes(column);
}
