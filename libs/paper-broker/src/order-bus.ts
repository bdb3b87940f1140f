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
  /** Redelivery of an unacked order (e.g. its process crashed) after this long (server default 30 s). */
  readonly ackWaitMs?: number;
}

export interface OrderIntake {
  /** Highest stream sequence recorded so far. */
  readonly processedSeq: number;
  /** Resolves once the order published at `seq` (or later) is recorded; rejects after `timeoutMs`. */
  waitFor(seq: number, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_INTAKE_MAX_DELIVER = 3;
const INTAKE_BACKOFF_MS = [100, 500, 2000];

/** The intake gave up waiting for an order to be recorded. */
export class OrderIntakeTimeoutError extends Error {
  constructor(
    readonly seq: number,
    readonly timeoutMs: number,
  ) {
    super(`order at stream sequence ${seq} was not recorded within ${timeoutMs} ms`);
    this.name = 'OrderIntakeTimeoutError';
  }
}

/**
 * Records every order published on `order.submit.>` through a durable JetStream consumer with explicit acks: an
 * order is acked only once it is in Postgres, so a crash redelivers it, and the unique clientOrderId makes the
 * redelivery (or the same order published twice under different message ids) one order.
 */
export async function startOrderIntake(
  bus: Bus,
  store: TradingStore,
  channels: OrderChannels,
  options: OrderIntakeOptions,
): Promise<OrderIntake> {
  await bus.ensureTopology({
    streams: [channels.stream],
    consumers: [
      { stream: channels.stream.name, durable: options.durable, filterSubject: channels.allSubmits },
    ],
  });
  let processed = 0;
  const waiters = new Set<{ seq: number; resolve: () => void }>();
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
      for (const waiter of waiters) if (waiter.seq <= processed) waiter.resolve();
    },
    { maxDeliver: options.maxDeliver ?? DEFAULT_INTAKE_MAX_DELIVER, backoffMs: INTAKE_BACKOFF_MS },
  );
  return {
    get processedSeq() {
      return processed;
    },
    waitFor(seq, timeoutMs) {
      if (seq <= processed) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const waiter = {
          seq,
          resolve: () => {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve();
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new OrderIntakeTimeoutError(seq, timeoutMs));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close: () => subscription.close(),
  };
}
