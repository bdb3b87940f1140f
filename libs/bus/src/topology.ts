/** A JetStream stream as the system declares it; ensureTopology creates or updates it to match. */
export interface StreamSpec {
  readonly name: string;
  readonly subjects: readonly string[];
  /** Drop messages older than this; omitted = keep until other limits apply. */
  readonly maxAgeMs?: number;
  readonly maxMessages?: number;
  readonly maxBytes?: number;
  /** Window in which a repeated `Nats-Msg-Id` is recognised as a duplicate (server default 2 min). */
  readonly duplicateWindowMs?: number;
  readonly storage?: 'file' | 'memory';
}

/** A durable pull consumer with explicit acks. */
export interface ConsumerSpec {
  readonly stream: string;
  readonly durable: string;
  /** One subject (server 2.9 has no multi-subject filters); omitted = the whole stream. */
  readonly filterSubject?: string;
  /** Time the server waits for an ack before redelivering (server default 30 s). */
  readonly ackWaitMs?: number;
  /**
   * Server-side delivery cap, a safety net only: the bus dead-letters at `consume({ maxDeliver })` first, so
   * keep this above that value (or -1 = unlimited on the server).
   */
  readonly maxDeliver?: number;
  readonly maxAckPending?: number;
}

/** Everything one deployment needs on JetStream, declared once and applied idempotently at start-up. */
export interface BusTopology {
  readonly streams: readonly StreamSpec[];
  readonly consumers?: readonly ConsumerSpec[];
}

/**
 * `drifted`: the stream differs from the declaration and this user may not change streams (only the operator's
 * user may, docs/security.md); it is used as the operator left it.
 */
export type EnsureOutcome = 'created' | 'updated' | 'unchanged' | 'drifted';

export interface TopologyReport {
  readonly streams: Readonly<Record<string, EnsureOutcome>>;
  /** Keyed `stream/durable`. */
  readonly consumers: Readonly<Record<string, EnsureOutcome>>;
}
