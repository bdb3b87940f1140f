import type { Bus } from '@ats/bus';
import { type Fill, type Order, TradingMessages } from '@ats/contracts';
import { type OrderChannels, orderChannels } from '@ats/paper-broker';
import {
  bookFromFills,
  bookOfLedger,
  ledgerFromFills,
  reconcileBooks,
  type TradingStore,
} from '@ats/trading-state';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { expect } from 'vitest';
import { cycleChannels } from '../src/channels';
import { type CycleEvent, CycleMessages } from '../src/cycle-messages';

export const SYMBOLS = ['AAPL', 'GOOGL', 'MSFT', 'NVDA', 'TSLA'];
/** 20 trading days of 2023 (12 Jan – 9 Feb) in which the offline team trades. */
export const FROM = '2023-01-12';
export const TO = '2023-02-09';
export const CYCLES = 20;
export const INITIAL_CASH = 100_000;

const everything = () => ({ from: new Date(0), to: new Date(Date.now() + 3_600_000) });

export async function streamMessages(bus: Bus, namespace: string, runId: string) {
  const orders: OrderChannels = orderChannels(namespace);
  const cycles = cycleChannels(namespace);
  const submitted = await bus.history(orders.allSubmits, TradingMessages.order, {
    stream: orders.stream.name,
    ...everything(),
  });
  const filled = await bus.history(orders.allFills, TradingMessages.fill, {
    stream: orders.stream.name,
    ...everything(),
  });
  const events = await bus.history(`${namespace}.cycle.*`, CycleMessages.event, {
    stream: cycles.stream.name,
    ...everything(),
  });
  return {
    submitted: submitted.map((m) => m.data as Order).filter((o) => o.runId === runId),
    filled: filled.map((m) => m.data as Fill).filter((f) => f.runId === runId),
    events: events.map((m) => m.data as CycleEvent).filter((e) => e.runId === runId),
  };
}

/**
 * The invariants of a paper run: Postgres rows, the ledger replayed from the fills, plain arithmetic over the
 * fills and the JetStream messages all tell one story; no order filled twice, no fill without its event.
 */
export async function expectRunReconciles(bus: Bus, store: TradingStore, namespace: string, runId: string) {
  const [state, fills, orders, snapshots] = await Promise.all([
    store.loadState(runId),
    store.fills(runId),
    store.orders(runId),
    store.snapshots(runId),
  ]);
  const stream = await streamMessages(bus, namespace, runId);
  // Positions and cash: stored rows vs the shared ledger vs plain sums of the fills.
  expect(reconcileBooks(bookOfLedger(ledgerFromFills(INITIAL_CASH, fills)), state)).toEqual([]);
  expect(reconcileBooks(bookFromFills(INITIAL_CASH, fills), state)).toEqual([]);
  // Orders vs fills: each order filled at most once, and only filled orders have a fill.
  const fillsPerOrder = new Map<string, number>();
  for (const f of fills) fillsPerOrder.set(f.clientOrderId, (fillsPerOrder.get(f.clientOrderId) ?? 0) + 1);
  for (const o of orders) {
    const count = fillsPerOrder.get(o.order.clientOrderId) ?? 0;
    expect(count, o.order.clientOrderId).toBe(o.status === 'FILLED' ? 1 : 0);
  }
  expect(new Set(fills.map((f) => f.clientOrderId)).size).toBe(fills.length);
  // Postgres vs JetStream: one stored submit per order row, one fill event per fill row, nothing else.
  expect(stream.submitted.map((o) => o.clientOrderId).sort()).toEqual(
    orders.map((o) => o.order.clientOrderId).sort(),
  );
  expect(stream.filled.map((f) => f.fillId).sort()).toEqual(fills.map((f) => f.fillId).sort());
  // One snapshot and one started + one finished event per cycle.
  expect(snapshots).toHaveLength(CYCLES);
  expect(stream.events.filter((e) => e.kind === 'started')).toHaveLength(CYCLES);
  expect(stream.events.filter((e) => e.kind !== 'started')).toHaveLength(CYCLES);
  return { state, fills, orders, stream };
}

/** Deletes the streams of a test namespace. */
export async function dropNamespace(natsUrl: string, namespace: string): Promise<void> {
  const nc = await connect({ servers: natsUrl });
  const jsm = await jetstreamManager(nc);
  for await (const name of jsm.streams.names())
    if (name.endsWith(`_${namespace}`)) await jsm.streams.delete(name);
  await nc.drain();
}
