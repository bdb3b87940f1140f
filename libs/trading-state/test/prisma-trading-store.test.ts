import type { Fill, Order } from '@ats/contracts';
import { createPrismaClient, type PrismaClient } from '@ats/db';
import { InvalidFillError } from '@ats/execution';
import { eventually, testServices, uniqueName, within } from '@ats/tool-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bookFromFills,
  ConflictingOrderError,
  PrismaTradingStore,
  RunNotFoundError,
  reconcileBooks,
  StateConflictError,
} from '../src/index';

let prisma: PrismaClient;
let other: PrismaClient;

beforeAll(() => {
  const { databaseUrl } = testServices();
  prisma = createPrismaClient(databaseUrl);
  other = createPrismaClient(databaseUrl);
});
afterAll(async () => {
  await prisma?.$disconnect();
  await other?.$disconnect();
});

const T0 = '2023-01-04T00:00:00.000Z';
const order = (
  runId: string,
  id: string,
  side: 'BUY' | 'SELL',
  quantity: number,
  symbol = 'AAPL',
): Order => ({
  clientOrderId: `${runId}:${id}`,
  symbol,
  side,
  type: 'MARKET',
  quantity,
  timeInForce: 'DAY',
  submittedAt: T0,
  runId,
  correlationId: `${runId}:c1`,
});
const fillOf = (o: Order, price: number, day = 4): Fill => ({
  fillId: `${o.clientOrderId}@${day}`,
  clientOrderId: o.clientOrderId,
  symbol: o.symbol,
  side: o.side,
  quantity: o.quantity,
  price,
  commission: 1,
  slippage: 0.05 * o.quantity,
  filledAt: new Date(Date.UTC(2023, 0, day)).toISOString(),
});

async function newRun(store: PrismaTradingStore, initialCash = 100_000) {
  const runId = uniqueName('state');
  await store.openRun({
    runId,
    kind: 'paper',
    initialCash,
    config: { symbols: ['AAPL'] },
    startedAt: new Date(T0),
  });
  return runId;
}

describe('PrismaTradingStore', () => {
  it('opens a run once and resumes it with its config and initial cash', async () => {
    const store = new PrismaTradingStore(prisma);
    const runId = await newRun(store, 50_000);
    const again = await store.openRun({
      runId,
      kind: 'paper',
      initialCash: 1,
      config: {},
      startedAt: new Date(),
    });
    expect(again.resumed).toBe(true);
    expect(again.run.initialCash).toBe(50_000);
    expect(again.run.config).toMatchObject({ symbols: ['AAPL'] });
    const state = await store.loadState(runId);
    expect(state).toMatchObject({ cash: 50_000, version: 0, positions: [], openOrders: [] });
  });

  it('records an order once per clientOrderId and refuses a reused id with other terms', async () => {
    const store = new PrismaTradingStore(prisma);
    const runId = await newRun(store);
    const o = order(runId, 'o1', 'BUY', 10);
    expect(await store.recordOrder(o)).toEqual({ duplicate: false, status: 'NEW' });
    expect(await store.recordOrder(o)).toEqual({ duplicate: true, status: 'NEW' });
    await expect(store.recordOrder({ ...o, quantity: 11 })).rejects.toBeInstanceOf(ConflictingOrderError);
    const state = await store.loadState(runId);
    expect(state.openOrders.map((s) => s.order)).toEqual([o]);
  });

  it('books a fill with cash, position and order status in one step, and a repeated fill not at all', async () => {
    const store = new PrismaTradingStore(prisma);
    const runId = await newRun(store);
    const buy = order(runId, 'b1', 'BUY', 10);
    await store.recordOrder(buy);
    const first = await store.recordFill(fillOf(buy, 100));
    expect(first).toEqual({
      duplicate: false,
      cash: 100_000 - 1000 - 1,
      position: { symbol: 'AAPL', quantity: 10, averagePrice: 100, realizedPnl: 0 },
    });
    expect((await store.recordFill(fillOf(buy, 100))).duplicate).toBe(true);
    const sell = order(runId, 's1', 'SELL', 4);
    await store.recordOrder(sell);
    await store.recordFill(fillOf(sell, 110, 5));
    const state = await store.loadState(runId);
    expect(state.version).toBe(2);
    expect(state.openOrders).toEqual([]);
    expect(state.cash).toBe(100_000 - 1001 + 440 - 1);
    expect(state.positions).toEqual([
      { symbol: 'AAPL', quantity: 6, averagePrice: 100, realizedPnl: 40 - 0.4 - 1 },
    ]);
    const fills = await store.fills(runId);
    expect(fills.map((f) => f.fillId)).toEqual([fillOf(buy, 100).fillId, fillOf(sell, 110, 5).fillId]);
    expect(fills[0]?.slippage).toBeCloseTo(0.5, 12);
    expect(reconcileBooks(bookFromFills(100_000, fills), state)).toEqual([]);
  });

  it('rejects an oversell and leaves cash, position and the order untouched', async () => {
    const store = new PrismaTradingStore(prisma);
    const runId = await newRun(store);
    const sell = order(runId, 's1', 'SELL', 3);
    await store.recordOrder(sell);
    await expect(store.recordFill(fillOf(sell, 100))).rejects.toBeInstanceOf(InvalidFillError);
    const state = await store.loadState(runId);
    expect(state).toMatchObject({ cash: 100_000, version: 0, positions: [] });
    expect(await store.closeOrder(sell.clientOrderId, 'REJECTED', 'no shares to sell')).toBe(true);
    expect(await store.closeOrder(sell.clientOrderId, 'CANCELLED', 'late')).toBe(false);
  });

  it('keeps every fill when two writers with their own caches book the same run concurrently', async () => {
    const a = new PrismaTradingStore(prisma, { maxAttempts: 50 });
    const b = new PrismaTradingStore(other, { maxAttempts: 50 });
    const runId = await newRun(a);
    const orders = Array.from({ length: 16 }, (_, i) =>
      order(runId, `p${i}`, 'BUY', 1 + i, i % 2 === 0 ? 'AAPL' : 'MSFT'),
    );
    for (const o of orders) await a.recordOrder(o);
    await Promise.all(orders.map((o, i) => (i % 2 === 0 ? a : b).recordFill(fillOf(o, 50 + i))));
    const state = await a.loadState(runId);
    expect(state.version).toBe(16);
    const fills = await a.fills(runId);
    expect(fills).toHaveLength(16);
    expect(reconcileBooks(bookFromFills(100_000, fills), state)).toEqual([]);
  });

  it('retries a write that lost its race, and fails typed when the retries run out', async () => {
    for (const maxAttempts of [2, 1]) {
      const store = new PrismaTradingStore(prisma, { maxAttempts });
      const runId = await newRun(store);
      const buy = order(runId, 'b1', 'BUY', 10);
      await store.recordOrder(buy);
      // A foreign writer bumps the version and holds the row until our read has happened: our booking reads the
      // portfolio, then waits for the row lock to write it, so a session waiting on a lock means the read is done
      // (a condition, where a fixed pause would only hold on a quiet machine).
      let booking: Promise<unknown> | undefined;
      await other.$transaction(
        async (tx) => {
          await tx.$executeRaw`UPDATE portfolios SET version = version + 1 WHERE run_id = ${runId}`;
          booking = store.recordFill(fillOf(buy, 100)).catch((error: unknown) => error);
          await eventually(
            async () => {
              const [waiting] = await prisma.$queryRaw<{ n: number }[]>`
                SELECT count(*)::int AS n FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%portfolios%'`;
              return (waiting?.n ?? 0) > 0 ? true : undefined;
            },
            { intervalMs: 20, what: 'our booking to wait for the portfolio row lock' },
          );
        },
        { timeout: within(90_000), maxWait: within(30_000) },
      );
      const outcome = await booking;
      const state = await store.loadState(runId);
      if (maxAttempts === 2) {
        expect(outcome).toMatchObject({ duplicate: false, cash: 100_000 - 1001 });
        expect(state.version).toBe(2);
      } else {
        expect(outcome).toBeInstanceOf(StateConflictError);
        expect(state).toMatchObject({ cash: 100_000, version: 1, positions: [] });
        expect(state.openOrders).toHaveLength(1);
      }
    }
  });

  it('stores one snapshot and one set of decisions per cycle', async () => {
    const store = new PrismaTradingStore(prisma);
    const runId = await newRun(store);
    const state = { asOf: T0, cash: 100_000, equity: 100_000, positions: [] };
    expect(await store.saveSnapshot({ runId, correlationId: 'c1', state })).toBe(true);
    expect(await store.saveSnapshot({ runId, correlationId: 'c1', state })).toBe(false);
    const decision = {
      agent: 'technical' as const,
      symbol: 'AAPL',
      signal: 'BUY' as const,
      confidence: 0.6,
      reasoning: 'RSI up',
      supportingData: {},
      ts: T0,
      correlationId: 'c1',
    };
    await store.saveDecisions(runId, 'c1', [decision]);
    await store.saveDecisions(runId, 'c1', [decision]);
    expect(await prisma.decision.count({ where: { runId, correlationId: 'c1' } })).toBe(1);
    expect((await store.loadState(runId)).lastSnapshot).toMatchObject({ correlationId: 'c1', takenAt: T0 });
  });

  it('loads the book in one statement as Prisma includes read it: positions, open orders and their fills, last snapshot', async () => {
    const store = new PrismaTradingStore(prisma);
    const runId = await newRun(store);
    const held = [order(runId, 'm1', 'BUY', 7, 'MSFT'), order(runId, 'a1', 'BUY', 3, 'AAPL')];
    for (const o of held) {
      await store.recordOrder(o);
      await store.recordFill(fillOf(o, 101.25));
    }
    // Open: a GTC limit order with its reason, and one filled in two parts of fractional shares.
    const limit = {
      ...order(runId, 'l1', 'BUY', 5),
      type: 'LIMIT' as const,
      limitPrice: 99.5,
      timeInForce: 'GTC' as const,
      reason: 'dip',
      submittedAt: '2023-01-05T00:00:00.000Z',
    };
    const partial = order(runId, 'p1', 'BUY', 1, 'MSFT');
    await store.recordOrder(limit);
    await store.recordOrder(partial);
    await store.recordFill({ ...fillOf(partial, 50), fillId: 'p1-a', quantity: 0.1 });
    await store.recordFill({ ...fillOf(partial, 51, 5), fillId: 'p1-b', quantity: 0.2 });
    const cancelled = order(runId, 'c1', 'SELL', 1);
    await store.recordOrder(cancelled);
    await store.closeOrder(cancelled.clientOrderId, 'CANCELLED', 'changed our mind');
    for (const [correlationId, asOf] of [
      ['s2', '2023-01-06T00:00:00.000Z'],
      ['s1', T0],
    ] as const)
      await store.saveSnapshot({
        runId,
        correlationId,
        state: { asOf, cash: 1, equity: 2.5, positions: [] },
      });

    // The independent reference: the same book through Prisma's include (six queries), mapped field by field.
    const run = await prisma.run.findUniqueOrThrow({
      where: { id: runId },
      include: {
        portfolio: true,
        positions: { orderBy: { symbol: 'asc' } },
        orders: {
          where: { status: { in: ['NEW', 'PARTIALLY_FILLED'] } },
          include: { fills: { orderBy: [{ filledAt: 'asc' }, { id: 'asc' }] } },
          orderBy: [{ submittedAt: 'asc' }, { clientOrderId: 'asc' }],
        },
        snapshots: { orderBy: { takenAt: 'desc' }, take: 1 },
      },
    });
    const state = await store.loadState(runId);
    expect(state).toEqual({
      run: {
        runId,
        kind: run.kind,
        status: run.status,
        initialCash: 100_000,
        config: run.config,
        startedAt: run.startedAt,
      },
      cash: run.portfolio?.cash,
      version: run.portfolio?.version,
      positions: run.positions.map(({ symbol, quantity, averagePrice, realizedPnl }) => ({
        symbol,
        quantity,
        averagePrice,
        realizedPnl,
      })),
      openOrders: run.orders.map((o) => ({
        order: {
          clientOrderId: o.clientOrderId,
          symbol: o.symbol,
          side: o.side,
          type: o.type,
          quantity: o.quantity,
          timeInForce: o.timeInForce,
          submittedAt: o.submittedAt.toISOString(),
          runId: o.runId,
          correlationId: o.correlationId,
          ...(o.limitPrice === null ? {} : { limitPrice: o.limitPrice }),
          ...(o.stopPrice === null ? {} : { stopPrice: o.stopPrice }),
          ...(o.reason === null ? {} : { reason: o.reason }),
        },
        status: o.status,
        filledQuantity: o.fills.reduce((sum, f) => sum + f.quantity, 0),
      })),
      lastSnapshot: {
        correlationId: run.snapshots[0]?.correlationId,
        takenAt: run.snapshots[0]?.takenAt.toISOString(),
        cash: run.snapshots[0]?.cash,
        equity: run.snapshots[0]?.equity,
      },
    });
    // What the book holds, so the comparison above is not between two empty ones.
    expect(state.positions.map((p) => p.symbol)).toEqual(['AAPL', 'MSFT']);
    expect(state.openOrders.map((o) => [o.order.clientOrderId, o.status, o.filledQuantity])).toEqual([
      [partial.clientOrderId, 'PARTIALLY_FILLED', 0.1 + 0.2],
      [limit.clientOrderId, 'NEW', 0],
    ]);
    expect(state.openOrders[1]?.order).toEqual(limit);
    expect(state.lastSnapshot).toEqual({
      correlationId: 's2',
      takenAt: '2023-01-06T00:00:00.000Z',
      cash: 1,
      equity: 2.5,
    });
    await expect(store.loadState('no-such-run')).rejects.toBeInstanceOf(RunNotFoundError);
  });
});
