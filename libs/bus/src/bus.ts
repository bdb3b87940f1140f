import type { MessageOf, MessageType, Reply } from '@ats/contracts';
import type { z } from 'zod';
import type { BusHeaders, WithEncodedFields } from './codec';
import type { BusStats } from './stats';
import type { BusTopology, TopologyReport } from './topology';

/** What a handler receives: the validated payload and the envelope around it. */
export interface BusMessage<T> {
  readonly data: T;
  readonly subject: string;
  readonly correlationId: string;
  readonly headers: Readonly<BusHeaders>;
}

/** A JetStream delivery: also says which attempt this is. */
export interface DurableMessage<T> extends BusMessage<T> {
  readonly seq: number;
  readonly deliveryCount: number;
}

/** A message read back from a stream (audit, replay). */
export interface StoredMessage<T> extends BusMessage<T> {
  readonly seq: number;
  readonly storedAt: Date;
}

export type PayloadOf<M extends MessageType> = z.input<M['schema']>;
/** What a producer hands the bus: the payload, any top-level field of it possibly encoded once (EncodedField). */
export type OutgoingPayload<M extends MessageType> = WithEncodedFields<PayloadOf<M>>;

export interface PublishOptions {
  /** Joins the message to its analysis cycle / request chain; generated when omitted. */
  readonly correlationId?: string;
  readonly messageId?: string;
}

export interface DurablePublishOptions {
  /** De-duplication key: the same id within the stream's duplicate window is stored once. */
  readonly messageId: string;
  readonly correlationId?: string;
}

export interface SubscribeOptions {
  /** Queue group: each message goes to one member of the group. */
  readonly queue?: string;
}

export interface RequestOptions {
  readonly timeoutMs: number;
  readonly correlationId?: string;
}

export interface ServeOptions {
  readonly queue?: string;
}

export interface ConsumeOptions {
  /** Deliveries before a failing message is dead-lettered and terminated. */
  readonly maxDeliver: number;
  /** Redelivery delay after the n-th failed delivery (index n-1); the last entry repeats. */
  readonly backoffMs: readonly number[];
}

export interface HistoryQuery {
  readonly stream: string;
  /** Inclusive. */
  readonly from: Date;
  /** Exclusive, so consecutive windows never return a message twice. */
  readonly to: Date;
}

export interface Subscription {
  /** Stops delivery and waits for the handler in progress. */
  close(): Promise<void>;
}

export type Handler<T> = (message: BusMessage<T>) => void | Promise<void>;
export type DurableHandler<T> = (message: DurableMessage<T>) => void | Promise<void>;
export type RequestHandler<Req, Res> = (request: BusMessage<Req>) => Res | Promise<Res>;

/**
 * The typed message bus. Every payload is validated against its contract on the way out (throws) and on the way
 * in (dead letter); metadata travels in headers (see `Headers` in @ats/contracts).
 */
export interface Bus {
  readonly name: string;

  publish<M extends MessageType>(
    subject: string,
    type: M,
    payload: OutgoingPayload<M>,
    options?: PublishOptions,
  ): Promise<void>;
  subscribe<M extends MessageType>(
    subject: string,
    type: M,
    handler: Handler<MessageOf<M>>,
    options?: SubscribeOptions,
  ): Promise<Subscription>;

  request<Req extends MessageType, Res extends MessageType>(
    subject: string,
    requestType: Req,
    responseType: Res,
    payload: OutgoingPayload<Req>,
    options: RequestOptions,
  ): Promise<Reply<MessageOf<Res>>>;
  serve<Req extends MessageType, Res extends MessageType>(
    subject: string,
    requestType: Req,
    responseType: Res,
    handler: RequestHandler<MessageOf<Req>, PayloadOf<Res>>,
    options?: ServeOptions,
  ): Promise<Subscription>;

  ensureTopology(topology: BusTopology): Promise<TopologyReport>;
  deleteStream(name: string): Promise<boolean>;
  publishDurable<M extends MessageType>(
    subject: string,
    type: M,
    payload: OutgoingPayload<M>,
    options: DurablePublishOptions,
  ): Promise<{ seq: number; duplicate: boolean }>;
  consume<M extends MessageType>(
    stream: string,
    durable: string,
    type: M,
    handler: DurableHandler<MessageOf<M>>,
    options: ConsumeOptions,
  ): Promise<Subscription>;
  /** Valid messages of one subject in a time window; invalid stored messages are skipped and counted. */
  history<M extends MessageType>(
    subject: string,
    type: M,
    query: HistoryQuery,
  ): Promise<StoredMessage<MessageOf<M>>[]>;

  stats(): BusStats;
  /** Round trip to the broker in ms, for health checks; rejects when it cannot be reached. */
  ping(): Promise<number>;
  /** Lets in-flight handlers finish, flushes, and disconnects. */
  close(): Promise<void>;
}
