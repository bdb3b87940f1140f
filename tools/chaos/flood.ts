import type { NatsConnection } from '@nats-io/transport-node';
import { type MalformedKind, malformedMessage } from './malformed';

export const MALFORMED_COUNT = 10_000;
/** Messages between flushes: keeps the client's outgoing buffer bounded with the huge ones in the mix. */
const FLUSH_EVERY = 200;
const SETTLE_TIMEOUT_MS = 60_000;

export interface FloodOutcome {
  readonly sent: number;
  readonly sendMs: number;
  /** Dead letters the services counted for the flood (from their /metrics). */
  readonly deadLettered: number;
  /** Replies with error code invalid_request that came back to the flood's reply subjects. */
  readonly invalidReplies: number;
  readonly byKind: Partial<Record<MalformedKind, number>>;
  readonly settledMs: number;
}

/**
 * Sends MALFORMED_COUNT malformed requests (as the operators' user) to the services' request subjects, each with
 * a reply subject so the services' invalid_request answers can be counted, then waits until `deadLettered()`
 * reaches the count (or SETTLE_TIMEOUT_MS).
 */
export async function floodServices(
  nc: NatsConnection,
  deadLettered: () => Promise<number>,
): Promise<FloodOutcome> {
  let invalidReplies = 0;
  const prefix = `_INBOX.chaos${Date.now()}`;
  const replies = nc.subscribe(`${prefix}.>`, {
    callback: (_error, msg) => {
      const text = msg.string();
      if (text.includes('"invalid_request"')) invalidReplies++;
    },
  });
  const byKind: Partial<Record<MalformedKind, number>> = {};
  const started = performance.now();
  for (let i = 0; i < MALFORMED_COUNT; i++) {
    const message = malformedMessage(i);
    byKind[message.kind] = (byKind[message.kind] ?? 0) + 1;
    nc.publish(message.subject, message.data, {
      reply: `${prefix}.${i}`,
      ...(message.headers ? { headers: message.headers } : {}),
    });
    if (i % FLUSH_EVERY === FLUSH_EVERY - 1) await nc.flush();
  }
  await nc.flush();
  const sendMs = performance.now() - started;
  let counted = 0;
  for (;;) {
    counted = await deadLettered();
    if (
      (counted >= MALFORMED_COUNT && invalidReplies >= MALFORMED_COUNT) ||
      performance.now() - started > SETTLE_TIMEOUT_MS
    )
      break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const settledMs = performance.now() - started;
  // Late extras would show up as more than the count; give them a moment to arrive before reporting.
  await new Promise((r) => setTimeout(r, 500));
  counted = await deadLettered();
  replies.unsubscribe();
  return { sent: MALFORMED_COUNT, sendMs, deadLettered: counted, invalidReplies, byKind, settledMs };
}
