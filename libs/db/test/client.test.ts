import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, deployMigrations, Prisma, type PrismaClient } from '../src/index';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const T0 = new Date('2026-03-02T14:30:00.000Z');

describe('createPrismaClient', () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  beforeAll(async () => {
    database = await createTestDatabase('client');
    await deployMigrations({ databaseUrl: database.url });
    prisma = createPrismaClient(database.url);
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await database?.drop();
  });

  it('round-trips a run, an order with partial fills and a decision', async () => {
    const run = await prisma.run.create({
      data: { kind: 'paper', config: { symbols: ['AAPL'] }, startedAt: T0 },
    });
    await prisma.order.create({
      data: {
        clientOrderId: 'paper-AAPL-1',
        runId: run.id,
        correlationId: 'corr-1',
        symbol: 'AAPL',
        side: 'BUY',
        type: 'LIMIT',
        quantity: 100,
        limitPrice: 187.5,
        submittedAt: T0,
        fills: {
          create: [
            { executionId: 'x-1', symbol: 'AAPL', side: 'BUY', quantity: 60, price: 187.4, filledAt: T0 },
            { executionId: 'x-2', symbol: 'AAPL', side: 'BUY', quantity: 40, price: 187.5, filledAt: T0 },
          ],
        },
      },
    });
    await prisma.decision.create({
      data: {
        runId: run.id,
        correlationId: 'corr-1',
        agent: 'technical',
        symbol: 'AAPL',
        signal: 'BUY',
        confidence: 0.72,
        reasoning: 'RSI(14) crossed up through 30',
        supportingData: { rsi: 31.2 },
        decidedAt: T0,
      },
    });

    const order = await prisma.order.findUniqueOrThrow({
      where: { clientOrderId: 'paper-AAPL-1' },
      include: { fills: { orderBy: { executionId: 'asc' } } },
    });
    expect(order.status).toBe('NEW');
    expect(order.submittedAt.toISOString()).toBe(T0.toISOString());
    expect(order.fills.map((fill) => [fill.quantity, fill.price])).toEqual([
      [60, 187.4],
      [40, 187.5],
    ]);
    const decisions = await prisma.decision.findMany({ where: { symbol: 'AAPL', runId: run.id } });
    expect(decisions).toHaveLength(1);
    expect(decisions[0]?.supportingData).toEqual({ rsi: 31.2 });
  });

  it('rejects the same execution recorded twice', async () => {
    const run = await prisma.run.create({ data: { kind: 'backtest', config: {}, startedAt: T0 } });
    const order = await prisma.order.create({
      data: {
        clientOrderId: 'bt-MSFT-1',
        runId: run.id,
        correlationId: 'corr-2',
        symbol: 'MSFT',
        side: 'SELL',
        type: 'MARKET',
        quantity: 10,
        submittedAt: T0,
      },
    });
    const fill = { orderId: order.id, executionId: 'bt-x-1', symbol: 'MSFT', side: 'SELL' as const };
    await prisma.fill.create({ data: { ...fill, quantity: 10, price: 410, filledAt: T0 } });

    await expect(
      prisma.fill.create({ data: { ...fill, quantity: 10, price: 410, filledAt: T0 } }),
    ).rejects.toThrow(Prisma.PrismaClientKnownRequestError);
  });

  it('commits a $transaction as a whole and rolls it back as a whole', async () => {
    const run = await prisma.run.create({ data: { kind: 'paper', config: {}, startedAt: T0 } });
    await prisma.portfolio.create({ data: { runId: run.id, cash: 10_000 } });

    // Optimistic concurrency: the update only matches the version that was read.
    await prisma.$transaction(async (tx) => {
      const portfolio = await tx.portfolio.findUniqueOrThrow({ where: { runId: run.id } });
      await tx.portfolio.update({
        where: { runId: run.id, version: portfolio.version },
        data: { cash: portfolio.cash - 1_875, version: { increment: 1 } },
      });
      await tx.position.create({
        data: { runId: run.id, symbol: 'AAPL', quantity: 10, averagePrice: 187.5 },
      });
    });

    await expect(
      prisma.$transaction(async (tx) => {
        await tx.portfolio.update({ where: { runId: run.id }, data: { cash: 0, version: { increment: 1 } } });
        await tx.position.create({ data: { runId: run.id, symbol: 'AAPL', quantity: 5, averagePrice: 190 } });
      }),
    ).rejects.toThrow(Prisma.PrismaClientKnownRequestError);

    const portfolio = await prisma.portfolio.findUniqueOrThrow({ where: { runId: run.id } });
    expect(portfolio).toMatchObject({ cash: 8_125, version: 1 });
    expect(await prisma.position.findMany({ where: { runId: run.id } })).toMatchObject([{ quantity: 10 }]);
    await expect(
      prisma.portfolio.update({ where: { runId: run.id, version: 0 }, data: { cash: 1 } }),
    ).rejects.toThrow(Prisma.PrismaClientKnownRequestError);
  });

  it('keys bars by symbol, timeframe and bar open time', async () => {
    const bar = {
      symbol: 'SPY',
      timeframe: '1d',
      ts: T0,
      open: 1,
      high: 2,
      low: 0.5,
      close: 1.5,
      volume: 1e6,
    };
    await prisma.bar.create({ data: { ...bar, source: 'fixture' } });
    await prisma.bar.upsert({
      where: { symbol_timeframe_ts: { symbol: 'SPY', timeframe: '1d', ts: T0 } },
      create: { ...bar, source: 'fixture' },
      update: { close: 1.6, adjusted: true },
    });

    expect(await prisma.bar.findMany({ where: { symbol: 'SPY' } })).toMatchObject([
      { close: 1.6, adjusted: true },
    ]);
  });
});
