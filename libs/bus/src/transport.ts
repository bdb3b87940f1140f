import type { BusHeaders } from './codec';
import type { ConsumerSpec, EnsureOutcome, StreamSpec } from './topology';

/**
 * The seam between the typed bus and a message system. Everything above it (validation, headers, dead letters,
 * reply mapping, stats, rate limiting) is shared, so NATS and the in-process twin behave alike by construction.
 */
export interface RawMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers: BusHeaders;
}

export interface RawInbound extends RawMessage {
  /** Present when the sender waits for a reply. */
  readonly respond?: (data: Uint8Array, headers: BusHeaders) => void;
}

export interface RawDelivery extends RawMessage {
  /** Stream sequence. */
  readonly seq: number;
  /** 1 on first delivery. */
  readonly deliveryCount: number;
  ack(): void;
  nak(delayMs: number): void;
  term(reason: string): void;
}

export interface RawStoredMessage extends RawMessage {
  readonly seq: number;
  /** When the stream stored the message. */
  readonly storedAt: Date;
}

export interface RawSubscription {
  /** Stops delivery and waits until the message in hand (if any) is handled. */
  close(): Promise<void>;
}

export type InboundHandler = (message: RawInbound) => Promise<void>;
export type DeliveryHandler = (delivery: RawDelivery) => Promise<void>;

export interface Transport {
  publish(subject: string, data: Uint8Array, headers: BusHeaders): Promise<void>;
  /** `sequential`: one message at a time in arrival order; `concurrent`: each message handled as it arrives. */
  subscribe(
    subject: string,
    options: { readonly queue?: string; readonly mode: 'sequential' | 'concurrent' },
    handler: InboundHandler,
  ): Promise<RawSubscription>;
  /** Throws BusTimeoutError / BusNoRespondersError. */
  request(subject: string, data: Uint8Array, headers: BusHeaders, timeoutMs: number): Promise<RawMessage>;

  ensureStream(spec: StreamSpec): Promise<EnsureOutcome>;
  ensureConsumer(spec: ConsumerSpec): Promise<EnsureOutcome>;
  deleteStream(name: string): Promise<boolean>;
  /** Throws BusTopologyError when no stream stores the subject. */
  publishDurable(
    subject: string,
    data: Uint8Array,
    headers: BusHeaders,
    messageId: string,
  ): Promise<{ seq: number; duplicate: boolean }>;
  /** Delivers one message at a time; each must be acked, nak'ed or termed by the handler. */
  consume(stream: string, durable: string, handler: DeliveryHandler): Promise<RawSubscription>;
  /** Messages stored on `subject` (one filter, wildcards allowed) with `from <= storedAt < to`, in order. */
  history(stream: string, subject: string, from: Date, to: Date): Promise<RawStoredMessage[]>;

  /** Makes sure everything published so far reached the server (before acking/terming based on it). */
  flush(): Promise<void>;
  /** Round trip to the server in ms (health checks); rejects when the server cannot be reached. */
  ping(): Promise<number>;
  close(): Promise<void>;
}
