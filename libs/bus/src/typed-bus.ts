import { randomUUID } from 'node:crypto';
import {
  assertRequestReplyContract,
  type Clock,
  ContractValidationError,
  type ErrorReply,
  ErrorReplySchema,
  Headers,
  type MessageOf,
  type MessageType,
  type Reply,
  replySchema,
  Subjects,
  safeParseContract,
  systemClock,
} from '@ats/contracts';
import type {
  Bus,
  BusMessage,
  ConsumeOptions,
  DurableHandler,
  DurablePublishOptions,
  Handler,
  HistoryQuery,
  OutgoingPayload,
  PayloadOf,
  PublishOptions,
  RequestHandler,
  RequestOptions,
  ServeOptions,
  StoredMessage,
  SubscribeOptions,
  Subscription,
} from './bus';
import {
  type DeadLetterKind,
  deadLetterHeaders,
  decodeIncoming,
  type EncodedMessage,
  encodeOutgoing,
  encodeValidated,
  formatReason,
  type Rejection,
} from './codec';
import { BusClosedError } from './errors';
import { type BusLogger, silentLogger } from './logger';
import { type PublishRateLimiter, publishRateLimiter, type RateLimit } from './rate-limiter';
import { type BusStats, StatsCounter } from './stats';
import type { BusTopology, EnsureOutcome, TopologyReport } from './topology';
import type { RawMessage, RawSubscription, Transport } from './transport';

export interface BusOptions {
  /** Service name: the `Ats-Producer` header and the NATS connection name. */
  readonly name: string;
  readonly logger?: BusLogger;
  /** Stamps `Ats-Sent-At`; the backtester passes its simulated clock. */
  readonly clock?: Clock;
  /** Optional cap on what this instance publishes (dead letters and replies are exempt). */
  readonly rateLimit?: RateLimit;
}

const VALIDATION_KINDS: ReadonlySet<DeadLetterKind> = new Set([
  'malformed_json',
  'missing_headers',
  'wrong_type',
  'wrong_version',
  'schema_violation',
  'invalid_reply',
]);
const ERROR_CODES: ReadonlySet<string> = new Set(ErrorReplySchema.shape.code.options);
const DEAD_LETTER_PREFIX = 'dlq.';

/**
 * The one implementation of the Bus contract, over a raw Transport. NatsBus and InProcessBus differ only in
 * the transport they pass in, so validation, headers, dead letters and reply mapping cannot drift apart.
 */
export class TypedBus implements Bus {
  readonly name: string;
  protected readonly logger: BusLogger;
  readonly #clock: Clock;
  readonly #limiter: PublishRateLimiter | undefined;
  readonly #stats = new StatsCounter();
  readonly #subscriptions = new Set<RawSubscription>();
  readonly #replySchemas = new WeakMap<MessageType, MessageType>();
  #closed = false;

  constructor(
    private readonly transport: Transport,
    options: BusOptions,
  ) {
    this.name = options.name;
    this.logger = options.logger ?? silentLogger;
    this.#clock = options.clock ?? systemClock;
    this.#limiter = options.rateLimit ? publishRateLimiter(options.rateLimit) : undefined;
  }

  async publish<M extends MessageType>(
    subject: string,
    type: M,
    payload: OutgoingPayload<M>,
    options: PublishOptions = {},
  ): Promise<void> {
    this.#assertOpen();
    const encoded = this.#encode(subject, type, payload, options.correlationId, options.messageId);
    if (this.#limiter) await this.#limiter.removeTokens(1);
    await this.transport.publish(subject, encoded.data, encoded.headers);
    this.#stats.published++;
  }

  async subscribe<M extends MessageType>(
    subject: string,
    type: M,
    handler: Handler<MessageOf<M>>,
    options: SubscribeOptions = {},
  ): Promise<Subscription> {
    this.#assertOpen();
    const subscription = await this.transport.subscribe(
      subject,
      { queue: options.queue, mode: 'sequential' },
      async (raw) => {
        const decoded = decodeIncoming(type, raw.data, raw.headers);
        if (!decoded.ok) return this.#deadLetter(raw, decoded.rejection, 1);
        this.#stats.delivered++;
        try {
          await handler(this.#message(raw, decoded.value));
        } catch (error) {
          // Core pub/sub has no redelivery: keep the message where someone can inspect and replay it.
          await this.#deadLetter(raw, { kind: 'handler_error', detail: errorText(error) }, 1);
        }
      },
    );
    return this.#track(subscription);
  }

  async request<Req extends MessageType, Res extends MessageType>(
    subject: string,
    requestType: Req,
    responseType: Res,
    payload: OutgoingPayload<Req>,
    options: RequestOptions,
  ): Promise<Reply<MessageOf<Res>>> {
    this.#assertOpen();
    // A requester whose types differ from its responder's would only ever get an invalid reply (or none).
    assertRequestReplyContract(subject, requestType, responseType);
    const encoded = this.#encode(subject, requestType, payload, options.correlationId);
    if (this.#limiter) await this.#limiter.removeTokens(1);
    this.#stats.published++;
    const raw = await this.transport.request(subject, encoded.data, encoded.headers, options.timeoutMs);
    const decoded = decodeIncoming(this.#replyType(responseType), raw.data, raw.headers);
    if (!decoded.ok) {
      const rejection: Rejection = {
        kind: 'invalid_reply',
        detail: formatReason(decoded.rejection),
        issues: decoded.rejection.issues,
      };
      await this.#deadLetter({ ...raw, subject }, rejection, 1);
      return {
        ok: false,
        error: {
          code: 'internal',
          message: `invalid reply on ${subject}: ${rejection.detail}`,
          ...issuesOf(rejection),
        },
      };
    }
    this.#stats.delivered++;
    return decoded.value as Reply<MessageOf<Res>>;
  }

  async serve<Req extends MessageType, Res extends MessageType>(
    subject: string,
    requestType: Req,
    responseType: Res,
    handler: RequestHandler<MessageOf<Req>, PayloadOf<Res>>,
    options: ServeOptions = {},
  ): Promise<Subscription> {
    this.#assertOpen();
    assertRequestReplyContract(subject, requestType, responseType);
    const subscription = await this.transport.subscribe(
      subject,
      { queue: options.queue, mode: 'concurrent' },
      async (raw) => {
        const correlationId = raw.headers[Headers.correlationId] ?? newCorrelationId();
        const answer = (reply: Reply<unknown>) => {
          if (!raw.respond) {
            this.logger.warn(
              { subject, correlationId },
              'request arrived without a reply subject; answer dropped',
            );
            return;
          }
          const encoded = encodeValidated(reply, responseType, {
            producer: this.name,
            correlationId,
            sentAt: this.#clock.now(),
          });
          raw.respond(encoded.data, encoded.headers);
          this.#stats.published++;
        };
        const decoded = decodeIncoming(requestType, raw.data, raw.headers);
        if (!decoded.ok) {
          await this.#deadLetter(raw, decoded.rejection, 1);
          answer({
            ok: false,
            error: {
              code: 'invalid_request',
              message: formatReason(decoded.rejection),
              ...issuesOf(decoded.rejection),
            },
          });
          return;
        }
        this.#stats.delivered++;
        answer(await this.#handleRequest(raw, decoded.value, responseType, handler));
      },
    );
    return this.#track(subscription);
  }

  async #handleRequest<Req, Res extends MessageType>(
    raw: RawMessage,
    request: Req,
    responseType: Res,
    handler: RequestHandler<Req, PayloadOf<Res>>,
  ): Promise<Reply<unknown>> {
    let result: unknown;
    try {
      result = await handler(this.#message(raw, request));
    } catch (error) {
      const reply = toErrorReply(error);
      // `not_found` is an answer, not a fault (no such symbol, cycle or history here): the requester acts on it.
      const log =
        reply.code === 'internal'
          ? this.logger.error
          : reply.code === 'not_found'
            ? this.logger.debug
            : this.logger.warn;
      log.call(this.logger, { subject: raw.subject, code: reply.code, err: error }, 'request handler failed');
      return { ok: false, error: reply };
    }
    const parsed = safeParseContract(responseType.schema, result, responseType.name);
    if (!parsed.ok) {
      // The responder's own bug: the requester gets a typed error, not data that breaks its contract.
      this.#stats.rejectedOutgoing++;
      this.logger.error(
        { subject: raw.subject, issues: parsed.error.issues },
        'request handler returned an invalid reply',
      );
      return {
        ok: false,
        error: { code: 'internal', message: parsed.error.message, issues: [...parsed.error.issues] },
      };
    }
    return { ok: true, data: parsed.value };
  }

  async ensureTopology(topology: BusTopology): Promise<TopologyReport> {
    this.#assertOpen();
    const streams: Record<string, EnsureOutcome> = {};
    const consumers: Record<string, EnsureOutcome> = {};
    for (const stream of topology.streams) streams[stream.name] = await this.transport.ensureStream(stream);
    for (const consumer of topology.consumers ?? []) {
      consumers[`${consumer.stream}/${consumer.durable}`] = await this.transport.ensureConsumer(consumer);
    }
    this.logger.info({ streams, consumers }, 'JetStream topology ensured');
    const drifted = Object.keys(streams).filter((name) => streams[name] === 'drifted');
    if (drifted.length > 0)
      this.logger.warn(
        { streams: drifted },
        'streams differ from the declaration; only the NATS operator may change them',
      );
    return { streams, consumers };
  }

  deleteStream(name: string): Promise<boolean> {
    this.#assertOpen();
    return this.transport.deleteStream(name);
  }

  async publishDurable<M extends MessageType>(
    subject: string,
    type: M,
    payload: OutgoingPayload<M>,
    options: DurablePublishOptions,
  ): Promise<{ seq: number; duplicate: boolean }> {
    this.#assertOpen();
    const encoded = this.#encode(subject, type, payload, options.correlationId, options.messageId);
    if (this.#limiter) await this.#limiter.removeTokens(1);
    const ack = await this.transport.publishDurable(
      subject,
      encoded.data,
      encoded.headers,
      options.messageId,
    );
    this.#stats.published++;
    return ack;
  }

  async consume<M extends MessageType>(
    stream: string,
    durable: string,
    type: M,
    handler: DurableHandler<MessageOf<M>>,
    options: ConsumeOptions,
  ): Promise<Subscription> {
    this.#assertOpen();
    if (!Number.isInteger(options.maxDeliver) || options.maxDeliver < 1) {
      throw new RangeError(`maxDeliver must be a positive integer, got ${options.maxDeliver}`);
    }
    const subscription = await this.transport.consume(stream, durable, async (delivery) => {
      const decoded = decodeIncoming(type, delivery.data, delivery.headers);
      if (!decoded.ok) {
        // Redelivering cannot fix a payload: dead-letter at once, and only term once the letter is out.
        await this.#deadLetter(delivery, decoded.rejection, delivery.deliveryCount);
        await this.transport.flush();
        delivery.term(formatReason(decoded.rejection));
        return;
      }
      this.#stats.delivered++;
      try {
        await handler({
          ...this.#message(delivery, decoded.value),
          seq: delivery.seq,
          deliveryCount: delivery.deliveryCount,
        });
        delivery.ack();
      } catch (error) {
        if (delivery.deliveryCount >= options.maxDeliver) {
          const rejection: Rejection = {
            kind: 'max_deliveries',
            detail: `failed ${delivery.deliveryCount} deliveries, last error: ${errorText(error)}`,
          };
          await this.#deadLetter(delivery, rejection, delivery.deliveryCount);
          await this.transport.flush();
          delivery.term(formatReason(rejection));
          return;
        }
        const delayMs = backoffFor(options.backoffMs, delivery.deliveryCount);
        this.logger.warn(
          { stream, durable, seq: delivery.seq, deliveryCount: delivery.deliveryCount, delayMs, err: error },
          'handler failed; message will be redelivered',
        );
        delivery.nak(delayMs);
      }
    });
    return this.#track(subscription);
  }

  async history<M extends MessageType>(
    subject: string,
    type: M,
    query: HistoryQuery,
  ): Promise<StoredMessage<MessageOf<M>>[]> {
    this.#assertOpen();
    if (query.to.getTime() < query.from.getTime())
      throw new RangeError('history window ends before it starts');
    const stored = await this.transport.history(query.stream, subject, query.from, query.to);
    const messages: StoredMessage<MessageOf<M>>[] = [];
    for (const raw of stored) {
      const decoded = decodeIncoming(type, raw.data, raw.headers);
      if (!decoded.ok) {
        // A read must not re-dead-letter on every replay; count it and say so.
        this.#stats.invalid++;
        this.logger.warn(
          { subject: raw.subject, seq: raw.seq, reason: formatReason(decoded.rejection) },
          'skipped invalid stored message',
        );
        continue;
      }
      messages.push({ ...this.#message(raw, decoded.value), seq: raw.seq, storedAt: raw.storedAt });
    }
    return messages;
  }

  stats(): BusStats {
    return this.#stats.snapshot();
  }

  async ping(): Promise<number> {
    this.#assertOpen();
    return this.transport.ping();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#subscriptions].map((subscription) => subscription.close()));
    await this.transport.close();
  }

  #encode<M extends MessageType>(
    subject: string,
    type: M,
    payload: OutgoingPayload<M>,
    correlationId: string | undefined,
    messageId?: string,
  ): EncodedMessage<MessageOf<M>> {
    try {
      return encodeOutgoing(type, payload, {
        producer: this.name,
        correlationId: correlationId ?? newCorrelationId(),
        sentAt: this.#clock.now(),
        messageId,
      });
    } catch (error) {
      if (error instanceof ContractValidationError) {
        this.#stats.rejectedOutgoing++;
        this.logger.error(
          { subject, type: type.name, issues: error.issues },
          'refused to publish an invalid message',
        );
      }
      throw error;
    }
  }

  #message<T>(raw: RawMessage, data: T): BusMessage<T> {
    return {
      data,
      subject: raw.subject,
      correlationId: raw.headers[Headers.correlationId] ?? '',
      headers: raw.headers,
    };
  }

  async #deadLetter(raw: RawMessage, rejection: Rejection, deliveries: number): Promise<void> {
    if (VALIDATION_KINDS.has(rejection.kind)) this.#stats.invalid++;
    const context = { subject: raw.subject, reason: formatReason(rejection), deliveries };
    if (raw.subject.startsWith(DEAD_LETTER_PREFIX)) {
      // Never dead-letter a dead letter: that would loop.
      this.logger.error(context, 'rejected a dead letter; dropped');
      return;
    }
    this.#stats.deadLetter(rejection.kind);
    this.logger.warn(context, 'message dead-lettered');
    try {
      await this.transport.publish(
        Subjects.deadLetter(raw.subject),
        raw.data,
        deadLetterHeaders(raw.headers, raw.subject, rejection, deliveries),
      );
    } catch (error) {
      this.logger.error({ ...context, err: error }, 'could not publish dead letter');
    }
  }

  #replyType(responseType: MessageType): MessageType {
    let type = this.#replySchemas.get(responseType);
    if (!type) {
      type = {
        name: responseType.name,
        version: responseType.version,
        schema: replySchema(responseType.schema),
      };
      this.#replySchemas.set(responseType, type);
    }
    return type;
  }

  #track(subscription: RawSubscription): Subscription {
    this.#subscriptions.add(subscription);
    return {
      close: async () => {
        this.#subscriptions.delete(subscription);
        await subscription.close();
      },
    };
  }

  #assertOpen(): void {
    if (this.#closed) throw new BusClosedError(this.name);
  }
}

export function newCorrelationId(): string {
  return randomUUID();
}

/** Delay before the next attempt after `deliveryCount` failures; the last configured step repeats. */
export function backoffFor(backoffMs: readonly number[], deliveryCount: number): number {
  if (backoffMs.length === 0) return 0;
  return backoffMs[Math.min(deliveryCount, backoffMs.length) - 1] ?? 0;
}

/** Maps what a request handler threw to the error reply the requester sees. */
export function toErrorReply(error: unknown): ErrorReply {
  if (error instanceof ContractValidationError) {
    return { code: 'invalid_request', message: error.message, issues: [...error.issues] };
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && ERROR_CODES.has(code))
      return { code: code as ErrorReply['code'], message: error.message };
    return { code: 'internal', message: error.message };
  }
  return { code: 'internal', message: String(error) };
}

function issuesOf(rejection: Rejection): Pick<ErrorReply, 'issues'> {
  return rejection.issues ? { issues: [...rejection.issues] } : {};
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
