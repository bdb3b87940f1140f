import type { Bus, BusLogger, Subscription } from '@ats/bus';
import { type Fill, type Order, TradingMessages } from '@ats/contracts';
import { ConflictingOrderError, type TradingStore } from '@ats/trading-state';
import type { OrderChannels } from './channels';
import type { FillSink } from './paper-broker';

/** Publishes an order on `order.submit.<symbol>` with its clientOrderId as the JetStream message id. */
export async function publishOrder(
  bus: Bus,
  channels: OrderChannels,
  order: Order,
): Promise<{ seq: number; duplicate: boolean }> {
  return bus.publishDurable(channels.orderSubmit(order.symbol), TradingMessages.order, order, {
    messageId: order.clientOrderId,
    correlationId: order.correlationId,
  });
}

/** Fill events on `order.filled.<symbol>`, message id = fill id: a re-published fill is stored once. */
export function fillEvents(bus: Bus, channels: OrderChannels): FillSink {
  return {
    async published(fill) {
      await bus.publishDurable(channels.orderFilled(fill.symbol), TradingMessages.fill, fill, {
        messageId: fill.fillId,
        correlationId: fill.correlationId,
      });
    },
  };
}

/**
 * Publishes booked fills again. After a crash between a fill's commit and its event, this restores the event;
 * fills already on the stream are dropped by JetStream's de-duplication (within ORDER_DEDUP_WINDOW_MS).
 */
export async function republishFills(sink: FillSink, fills: readonly Fill[]): Promise<void> {
  for (const fill of fills) await sink.published(fill);
}

export interface OrderIntakeOptions {
  readonly durable: string;
  readonly logger?: BusLogger;
  /** Deliveries before a failing order is dead-lettered (default 3). */
  readonly maxDeliver?: number;
  /**
   * Redelivery of an order delivered but never acked (its process died before recording it) after this long;
   * set on the durable consumer itself (default DEFAULT_INTAKE_ACK_WAIT_MS).
   */
  readonly ackWaitMs?: number;
}

export interface OrderIntake {
  /** Highest stream sequence this process has handled (diagnostics; says nothing about earlier sequences). */
  readonly processedSeq: number;
  /**
   * Resolves once every one of `orders` is recorded in Postgres, by this intake or any other (a previous
   * process, another replica of the consumer); rejects with OrderIntakeTimeoutError after `timeoutMs`.
   */
  waitFor(orders: readonly Order[], timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_INTAKE_MAX_DELIVER = 3;
/** A crashed process's unacked orders come back this fast (the server default is 30 s). */
export const DEFAULT_INTAKE_ACK_WAIT_MS = 2_000;
const INTAKE_BACKOFF_MS = [100, 500, 2000];
/** How often a wait looks in Postgres for orders another consumer may have recorded. */
const STORE_RECHECK_MS = 500;
/** Ids recorded by this process kept for waits that start after the record (oldest dropped first). */
const RECENT_IDS_KEPT = 10_000;

/** The intake gave up waiting for orders to be recorded. */
export class OrderIntakeTimeoutError extends Error {
  constructor(
    readonly missing: readonly string[],
    readonly timeoutMs: number,
  ) {
    super(`orders ${missing.join(', ')} were not recorded within ${timeoutMs} ms`);
    this.name = 'OrderIntakeTimeoutError';
  }
}

/**
 * Records every order published on `order.submit.>` through a durable JetStream consumer with explicit acks: an
 * order is acked only once it is in Postgres, so a crash redelivers it (after ackWaitMs), and the unique
 * clientOrderId makes the redelivery (or the same order published twice under different message ids) one order.
 * Waits are for named orders, never for a sequence: redeliveries arrive out of order.
 */
export async function startOrderIntake(
  bus: Bus,
  store: TradingStore,
  channels: OrderChannels,
  options: OrderIntakeOptions,
): Promise<OrderIntake> {
  const maxDeliver = options.maxDeliver ?? DEFAULT_INTAKE_MAX_DELIVER;
  await bus.ensureTopology({
    streams: [channels.stream],
    consumers: [
      {
        stream: channels.stream.name,
        durable: options.durable,
        filterSubject: channels.allSubmits,
        ackWaitMs: options.ackWaitMs ?? DEFAULT_INTAKE_ACK_WAIT_MS,
      },
    ],
  });
  let processed = 0;
  const recorded = new RecentIds(RECENT_IDS_KEPT);
  const waiters = new Set<() => void>();
  const subscription: Subscription = await bus.consume(
    channels.stream.name,
    options.durable,
    TradingMessages.order,
    async (message) => {
      try {
        const outcome = await store.recordOrder(message.data);
        options.logger?.debug(
          { correlationId: message.correlationId, order: message.data.clientOrderId, ...outcome },
          'order recorded',
        );
      } catch (error) {
        // A reused id with other terms is permanent: log it and move on, never retry it into the book.
        if (!(error instanceof ConflictingOrderError)) throw error;
        options.logger?.error(
          { err: error, correlationId: message.correlationId },
          'conflicting order refused',
        );
      }
      processed = Math.max(processed, message.seq);
      recorded.add(message.data.clientOrderId);
      for (const wake of waiters) wake();
    },
    { maxDeliver, backoffMs: INTAKE_BACKOFF_MS },
  );

  /** The ids of `orders` not yet recorded, as far as this process and Postgres know. */
  const missingOf = async (orders: readonly Order[], askStore: boolean): Promise<string[]> => {
    let missing = orders.map((o) => o.clientOrderId).filter((id) => !recorded.has(id));
    if (missing.length === 0 || !askStore) return missing;
    const stored = new Set<string>();
    const runs = new Set(orders.flatMap((o) => (o.runId === undefined ? [] : [o.runId])));
    for (const runId of runs)
      for (const o of (await store.loadState(runId)).openOrders) stored.add(o.order.clientOrderId);
    missing = missing.filter((id) => !stored.has(id));
    if (missing.length > 0) {
      // Not open: filled or closed already (a later bar met it), which also means recorded.
      for (const runId of runs) for (const o of await store.orders(runId)) stored.add(o.order.clientOrderId);
      missing = missing.filter((id) => !stored.has(id));
    }
    for (const id of orders.map((o) => o.clientOrderId)) if (!missing.includes(id)) recorded.add(id);
    return missing;
  };

  return {
    get processedSeq() {
      return processed;
    },
    async waitFor(orders, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      // This process usually records them within milliseconds; Postgres is asked only when that does not happen.
      let missing = await missingOf(orders, false);
      let lastStoreCheck = Date.now();
      while (missing.length > 0) {
        const left = deadline - Date.now();
        if (left <= 0) throw new OrderIntakeTimeoutError(missing, timeoutMs);
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            waiters.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, Math.min(left, STORE_RECHECK_MS));
          waiters.add(wake);
        });
        const askStore = Date.now() - lastStoreCheck >= STORE_RECHECK_MS;
        if (askStore) lastStoreCheck = Date.now();
        missing = await missingOf(orders, askStore);
      }
    },
    close: () => subscription.close(),
  };
}

/** A set that forgets its oldest ids past `capacity`: a long-running intake must not grow without bound. */
class RecentIds {
  readonly #ids = new Set<string>();
  constructor(readonly capacity: number) {}
  add(id: string): void {
    this.#ids.delete(id);
    this.#ids.add(id);
    if (this.#ids.size > this.capacity) this.#ids.delete(this.#ids.values().next().value as string);
  }
  has(id: string): boolean {
    return this.#ids.has(id);
  }
}
