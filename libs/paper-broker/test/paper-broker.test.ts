import { type Bus, connectBus } from '@ats/bus';
import { type Fill, type Order, TradingMessages } from '@ats/contracts';
import { createPrismaClient, type PrismaClient } from '@ats/db';
import { fixedBpsSlippage, perShareCommission } from '@ats/execution';
import { testServices, uniqueName } from '@ats/tool-testing';
import { bookFromFills, PrismaTradingStore, reconcileBooks } from '@ats/trading-state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_INTAKE_ACK_WAIT_MS,
  fillEvents,
  type OrderChannels,
  type OrderIntake,
  orderChannels,
  PaperBroker,
  publishOrder,
  startOrderIntake,
} from '../src/index';

const models = {
  commission: perShareCommission({ perShare: 0.005, minimum: 1, maximumFractionOfValue: 0.01 }),
  slippage: fixedBpsSlippage(5),
};
// Decision at the close of 2023-01-03 (its bar opens 2023-01-03T00:00Z and closes 24 h later).
const DECIDED = '2023-01-04T00:00:00.000Z';
const bar = (day: number, open: number, high: number, low: number, close: number, symbol = 'AAPL') => ({
  symbol,
  ts: new Date(Date.UTC(2023, 0, day)).toISOString(),
  open,
  high,
  low,
  close,
  volume: 1_000_000,
});

let prisma: PrismaClient;
let bus: Bus;
let channels: OrderChannels;
let intake: OrderIntake;
let store: PrismaTradingStore;

beforeAll(async () => {
  const { databaseUrl, natsUrl } = testServices();
  prisma = createPrismaClient(databaseUrl);
  store = new PrismaTradingStore(prisma);
  bus = await connectBus({ url: natsUrl, name: 'paper-broker-test' });
  channels = orderChannels(uniqueName('pb'));
  intake = await startOrderIntake(bus, store, channels, { durable: 'paper-broker' });
});
afterAll(async () => {
  await intake?.close();
  await bus?.deleteStream(channels.stream.name).catch(() => false);
  await bus?.close();
  await prisma?.$disconnect();
});

async function newBroker(initialCash = 100_000) {
  const runId = uniqueName('run');
  await store.openRun({ runId, kind: 'paper', initialCash, config: {}, startedAt: new Date(DECIDED) });
  return new PaperBroker({ runId, store, models, fills: fillEvents(bus, channels) });
}

const order = (broker: PaperBroker, id: string, extra: Partial<Order>): Order => ({
  clientOrderId: `${broker.runId}:${id}`,
  symbol: 'AAPL',
  side: 'BUY',
  type: 'MARKET',
  quantity: 100,
  timeInForce: 'DAY',
  submittedAt: DECIDED,
  runId: broker.runId,
  correlationId: `${broker.runId}:cycle1`,
  ...extra,
});

async function filledEvents(runId: string): Promise<Fill[]> {
  const stored = await bus.history(channels.allFills, TradingMessages.fill, {
    stream: channels.stream.name,
    from: new Date(0),
    to: new Date(Date.now() + 60_000),
  });
  return stored.map((m) => m.data).filter((f) => f.runId === runId);
}

describe('PaperBroker', () => {
  it('fills a market order at the NEXT bar open plus slippage, never on the bar it was decided on', async () => {
    const broker = await newBroker();
    await broker.submit(order(broker, 'm1', {}));
    // The decision bar itself opened before the order existed: not tradable.
    expect((await broker.onBar(bar(3, 99, 101, 98, 100))).fills).toEqual([]);
    const { fills } = await broker.onBar(bar(4, 102, 104, 101, 103));
    const price = 102 * 1.0005;
    expect(fills).toHaveLength(1);
    expect(fills[0]).toMatchObject({ quantity: 100, filledAt: bar(4, 0, 0, 0, 0).ts, commission: 1 });
    expect(fills[0]?.price).toBeCloseTo(price, 12);
    const state = await store.loadState(broker.runId);
    expect(state.cash).toBeCloseTo(100_000 - 100 * price - 1, 9);
    expect(state.positions).toMatchObject([{ symbol: 'AAPL', quantity: 100 }]);
    expect(state.openOrders).toEqual([]);
    expect(await filledEvents(broker.runId)).toEqual(fills);
  });

  it('expires an unreached DAY limit, keeps a GTC limit open until the market trades through it', async () => {
    const broker = await newBroker();
    await broker.submit(order(broker, 'day', { type: 'LIMIT', limitPrice: 95 }));
    await broker.submit(order(broker, 'gtc', { type: 'LIMIT', limitPrice: 95, timeInForce: 'GTC' }));
    const first = await broker.onBar(bar(4, 100, 101, 97, 99));
    expect(first).toEqual({ fills: [], expired: [`${broker.runId}:day`], rejected: [], resized: [] });
    // Gaps below the limit: a buy limit fills at the better open, with no slippage.
    const second = await broker.onBar(bar(5, 94, 96, 93, 95));
    expect(second.fills.map((f) => [f.clientOrderId, f.price, f.slippage])).toEqual([
      [`${broker.runId}:gtc`, 94, 0],
    ]);
    const orders = await store.orders(broker.runId);
    expect(orders.map((o) => o.status)).toEqual(['CANCELLED', 'FILLED']);
  });

  it('triggers a sell stop through the stop price and fills at the stop less slippage', async () => {
    const broker = await newBroker();
    await broker.submit(order(broker, 'buy', {}));
    await broker.onBar(bar(4, 100, 100, 100, 100));
    await broker.submit(
      order(broker, 'stop', {
        side: 'SELL',
        type: 'STOP',
        stopPrice: 97,
        timeInForce: 'GTC',
        submittedAt: bar(5, 0, 0, 0, 0).ts,
      }),
    );
    expect((await broker.onBar(bar(5, 99, 100, 98, 99))).fills).toEqual([]);
    const { fills } = await broker.onBar(bar(6, 99, 99, 95, 96));
    expect(fills[0]?.price).toBeCloseTo(97 * (1 - 0.0005), 12);
    const state = await store.loadState(broker.runId);
    expect(state.positions).toMatchObject([{ symbol: 'AAPL', quantity: 0 }]);
  });

  it('matches sells before buys at one open, and cuts a buy the gapped open leaves too little cash for', async () => {
    const broker = await newBroker(10_000);
    await broker.submit(order(broker, 'c1-AAPL', { quantity: 50 }));
    await broker.onBar(bar(4, 100, 100, 100, 100));
    // Next cycle: a buy whose id sorts first needs the cash of the sell.
    const next = { submittedAt: '2023-01-05T00:00:00.000Z', correlationId: `${broker.runId}:cycle2` };
    await broker.submit(order(broker, 'c2-A-MSFT', { ...next, symbol: 'MSFT', quantity: 140 }));
    await broker.submit(order(broker, 'c2-B-AAPL', { ...next, side: 'SELL', quantity: 50 }));
    const both = await broker.onBars([bar(5, 100, 100, 100, 100), bar(5, 50, 50, 50, 50, 'MSFT')]);
    expect(both.fills.map((f) => [f.side, f.symbol, f.quantity])).toEqual([
      ['SELL', 'AAPL', 50],
      ['BUY', 'MSFT', 140],
    ]);
    expect(both.rejected).toEqual([]);
    // Sized for 100 shares at a close of 20, the open gaps to 40: the cash buys fewer, the rest is cancelled.
    const cash = (await store.loadState(broker.runId)).cash;
    await broker.submit(
      order(broker, 'c3-NVDA', { submittedAt: '2023-01-06T00:00:00.000Z', symbol: 'NVDA' }),
    );
    const gapped = await broker.onBar(bar(6, 40, 40, 40, 40, 'NVDA'));
    const expected = Math.floor((cash - 1) / (40 * 1.0005));
    expect(gapped.fills.map((f) => f.quantity)).toEqual([expected]);
    expect(gapped.resized).toEqual([
      {
        clientOrderId: `${broker.runId}:c3-NVDA`,
        quantity: expected,
        reason: expect.stringMatching(/short of/),
      },
    ]);
    const state = await store.loadState(broker.runId);
    expect(state.cash).toBeGreaterThanOrEqual(0);
    expect(state.openOrders).toEqual([]);
  });

  it('rejects a sell of shares the run does not hold, leaving the book as it was', async () => {
    const broker = await newBroker();
    await broker.submit(order(broker, 'short', { side: 'SELL' }));
    const result = await broker.onBar(bar(4, 100, 101, 99, 100));
    expect(result.rejected).toMatchObject([{ clientOrderId: `${broker.runId}:short` }]);
    expect(await store.loadState(broker.runId)).toMatchObject({ cash: 100_000, version: 0 });
  });

  it('fills a duplicated order message once: same message id de-duplicated, other id caught by Postgres', async () => {
    const broker = await newBroker();
    const o = order(broker, 'dup', { quantity: 7 });
    const first = await publishOrder(bus, channels, o);
    const again = await publishOrder(bus, channels, o);
    expect(again).toEqual({ seq: first.seq, duplicate: true });
    // A producer bug that re-sends the order under a fresh message id: JetStream stores it, Postgres refuses it.
    const copy = await bus.publishDurable(channels.orderSubmit(o.symbol), TradingMessages.order, o, {
      messageId: `${o.clientOrderId}#copy`,
    });
    expect(copy.duplicate).toBe(false);
    await intake.waitFor([o], 5_000);
    await waitUntil(() => intake.processedSeq >= copy.seq, 30_000, 'the copy handled');
    const submitted = await bus.history(channels.orderSubmit(o.symbol), TradingMessages.order, {
      stream: channels.stream.name,
      from: new Date(0),
      to: new Date(Date.now() + 60_000),
    });
    expect(submitted.filter((m) => m.data.clientOrderId === o.clientOrderId)).toHaveLength(2);
    await broker.onBar(bar(4, 100, 101, 99, 100));
    await broker.onBar(bar(5, 100, 101, 99, 100));
    const orders = await store.orders(broker.runId);
    const fills = await store.fills(broker.runId);
    expect(orders).toHaveLength(1);
    expect(fills).toHaveLength(1);
    expect(await filledEvents(broker.runId)).toHaveLength(1);
    const state = await store.loadState(broker.runId);
    expect(reconcileBooks(bookFromFills(100_000, fills), state)).toEqual([]);
  });
});

async function waitUntil(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('order intake after a crash', () => {
  it("sets its ack wait on the durable consumer, so a dead process's orders come back in seconds", async () => {
    // ensureConsumer compares ack_wait: 'unchanged' means the intake created the consumer with this ack wait.
    const report = await bus.ensureTopology({
      streams: [channels.stream],
      consumers: [
        {
          stream: channels.stream.name,
          durable: 'paper-broker',
          filterSubject: channels.allSubmits,
          ackWaitMs: DEFAULT_INTAKE_ACK_WAIT_MS,
        },
      ],
    });
    expect(report.consumers[`${channels.stream.name}/paper-broker`]).toBe('unchanged');
  });

  it('waits for the very order a dead process held, not for any later sequence', async () => {
    const { natsUrl } = testServices();
    const crashChannels = orderChannels(uniqueName('pbcrash'));
    const dying = await connectBus({ url: natsUrl, name: 'paper-broker-dying' });
    const broker = await newBroker();
    const held = order(broker, 'held', { quantity: 3 });
    const later = order(broker, 'later', { quantity: 4, symbol: 'MSFT' });
    let fresh: OrderIntake | undefined;
    try {
      // The first process takes the delivery and dies before recording it (no ack, connection gone).
      let delivered = false;
      await dying.ensureTopology({
        streams: [crashChannels.stream],
        consumers: [
          {
            stream: crashChannels.stream.name,
            durable: 'paper-broker',
            filterSubject: crashChannels.allSubmits,
            ackWaitMs: DEFAULT_INTAKE_ACK_WAIT_MS,
          },
        ],
      });
      await dying.consume(
        crashChannels.stream.name,
        'paper-broker',
        TradingMessages.order,
        () => {
          delivered = true;
          return new Promise<void>(() => {});
        },
        { maxDeliver: 3, backoffMs: [100] },
      );
      await publishOrder(bus, crashChannels, held);
      await waitUntil(() => delivered, 30_000, 'the delivery to the dying process');
      await dying.connection.close();
      // The next process records a later order at once; the held one only comes back after the ack wait.
      fresh = await startOrderIntake(bus, store, crashChannels, { durable: 'paper-broker' });
      await publishOrder(bus, crashChannels, later);
      await fresh.waitFor([later], 30_000);
      await fresh.waitFor([held], 30_000);
      const recorded = (await store.orders(broker.runId)).map((o) => o.order.clientOrderId).sort();
      expect(recorded).toEqual([held.clientOrderId, later.clientOrderId].sort());
    } finally {
      await fresh?.close();
      await bus.deleteStream(crashChannels.stream.name).catch(() => false);
    }
  });
});
