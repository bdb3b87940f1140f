import { z } from 'zod';

/**
 * Header convention for every bus message. The payload is the bare JSON of the message schema; metadata
 * travels in NATS headers so it can be read without parsing the body (logs, dead letters, replay).
 */
export const Headers = {
  /** One id per analysis cycle / request chain; joins logs, stored decisions and bus history. */
  correlationId: 'Ats-Correlation-Id',
  /** Message type name, e.g. `Bar`, `AgentDecision`. */
  messageType: 'Ats-Message-Type',
  /** Schema version of the payload; consumers reject versions they do not know. */
  schemaVersion: 'Ats-Schema-Version',
  /** Service that produced the message. */
  producer: 'Ats-Producer',
  /** Producer wall-clock time in ISO UTC. */
  sentAt: 'Ats-Sent-At',
  /** JetStream de-duplication id (the NATS server's own header name). */
  messageId: 'Nats-Msg-Id',
  /** Set on dead letters: why the message was rejected, where it came from, how often it was delivered. */
  deadLetterReason: 'Ats-Dlq-Reason',
  deadLetterSubject: 'Ats-Dlq-Subject',
  deadLetterDeliveries: 'Ats-Dlq-Deliveries',
} as const;

/**
 * A message type on the bus: a name, a schema version and its zod schema. The name stays a literal type so that
 * tools/checks/request-reply.ts can tell, from the types alone, which message a call site sends.
 */
export interface MessageType<S extends z.ZodType = z.ZodType, N extends string = string> {
  readonly name: N;
  readonly version: number;
  readonly schema: S;
}

export function defineMessage<S extends z.ZodType, N extends string = string>(
  name: N,
  version: number,
  schema: S,
): MessageType<S, N> {
  return { name, version, schema };
}

export type MessageOf<M extends MessageType> = z.output<M['schema']>;

/** Error answer of a request/reply exchange: `code` is machine-readable, `message` is for people. */
export const ErrorReplySchema = z.object({
  code: z.enum(['invalid_request', 'not_found', 'unavailable', 'rate_limited', 'timeout', 'internal']),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ErrorReply = z.infer<typeof ErrorReplySchema>;

/** Every reply is either `{ ok: true, data }` or `{ ok: false, error }`, so failures cross the bus as data. */
export function replySchema<S extends z.ZodType>(data: S) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), data }),
    z.object({ ok: z.literal(false), error: ErrorReplySchema }),
  ]);
}
export type Reply<T> = { ok: true; data: T } | { ok: false; error: ErrorReply };
