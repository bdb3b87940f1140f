import type { StreamSpec } from '@ats/bus';
import { namespacedStream, namespacedSubject, Streams, Subjects, type TickerSymbol } from '@ats/contracts';

/**
 * Order subjects and the ORDERS stream. Production uses the contract's names; a namespace prefixes every subject
 * and suffixes the stream name (as @ats/agent-rpc does) so tests and side-by-side deployments never meet.
 */
export interface OrderChannels {
  readonly namespace: string | undefined;
  orderSubmit(symbol: TickerSymbol): string;
  orderFilled(symbol: TickerSymbol): string;
  readonly allSubmits: string;
  readonly allFills: string;
  readonly stream: StreamSpec;
}

/**
 * How long JetStream remembers a message id: a re-published order or fill inside it is stored once. An hour
 * covers a crashed process restarting and re-running its last cycle; Postgres uniqueness covers the rest.
 */
export const ORDER_DEDUP_WINDOW_MS = 60 * 60 * 1000;

export function orderChannels(namespace?: string): OrderChannels {
  const p = (subject: string) => namespacedSubject(namespace, subject);
  return {
    namespace,
    orderSubmit: (symbol) => p(Subjects.orderSubmit(symbol)),
    orderFilled: (symbol) => p(Subjects.orderFilled(symbol)),
    allSubmits: p('order.submit.>'),
    allFills: p('order.filled.>'),
    stream: {
      name: namespacedStream(namespace, Streams.orders.name),
      subjects: Streams.orders.subjects.map(p),
      duplicateWindowMs: ORDER_DEDUP_WINDOW_MS,
    },
  };
}
