import {
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { type Msg, type NatsConnection, RequestError, TimeoutError } from '@nats-io/transport-node';
import type { BusHeaders } from '../codec';
import { BusNoRespondersError, BusTimeoutError, BusTopologyError } from '../errors';
import type { BusLogger } from '../logger';
import type { ConsumerSpec, EnsureOutcome, StreamSpec } from '../topology';
import type {
  DeliveryHandler,
  InboundHandler,
  RawDelivery,
  RawInbound,
  RawMessage,
  RawStoredMessage,
  RawSubscription,
  Transport,
} from '../transport';
import { fromNatsHeaders, toNatsHeaders } from './headers';
import { ensureConsumer, ensureStream } from './nats-topology';
import { ConnectionWeather, isOutageError, OUTAGE_RIDE_THROUGH_MS, retryWaitMs } from './outage';

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Messages a pull consumer keeps buffered client-side; small so a stopped consumer leaves little in flight. */
const CONSUME_BATCH = 64;
const HISTORY_BATCH = 256;
const HISTORY_FETCH_EXPIRES_MS = 2000;

export class NatsTransport implements Transport {
  readonly #js: JetStreamClient;
  #jsm: Promise<JetStreamManager> | undefined;

  constructor(
    readonly connection: NatsConnection,
    private readonly logger: BusLogger,
    /** Fed with the connection's status by NatsBus: whether a failure now is an outage to ride through. */
    readonly weather: ConnectionWeather = new ConnectionWeather(),
  ) {
    this.#js = jetstream(connection);
  }

  async publish(subject: string, data: Uint8Array, headers: BusHeaders): Promise<void> {
    this.connection.publish(subject, data, { headers: toNatsHeaders(headers) });
  }

  async subscribe(
    subject: string,
    options: { readonly queue?: string; readonly mode: 'sequential' | 'concurrent' },
    handler: InboundHandler,
  ): Promise<RawSubscription> {
    const subscription = this.connection.subscribe(subject, options.queue ? { queue: options.queue } : {});
    const inFlight = new Set<Promise<void>>();
    const run = (message: Msg): Promise<void> =>
      handler(toInbound(message)).catch((error) => {
        this.logger.error({ subject: message.subject, err: error }, 'message handler crashed');
      });
    const loop = (async () => {
      for await (const message of subscription) {
        if (options.mode === 'sequential') {
          await run(message);
        } else {
          const task = run(message).finally(() => inFlight.delete(task));
          inFlight.add(task);
        }
      }
    })();
    // The server knows about the subscription once flush returns, so a publish right after is not lost.
    await this.connection.flush();
    return {
      close: async () => {
        if (!this.connection.isClosed() && !subscription.isClosed()) await subscription.drain();
        await loop;
        await Promise.all(inFlight);
      },
    };
  }

  async request(
    subject: string,
    data: Uint8Array,
    headers: BusHeaders,
    timeoutMs: number,
  ): Promise<RawMessage> {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const reply = await this.connection.request(subject, data, {
          timeout: Math.max(1, deadline - Date.now()),
          headers: toNatsHeaders(headers),
        });
        return { subject: reply.subject, data: reply.data, headers: fromNatsHeaders(reply.headers) };
      } catch (error) {
        if (
          error instanceof TimeoutError ||
          (error instanceof RequestError && error.cause instanceof TimeoutError)
        ) {
          throw new BusTimeoutError(subject, timeoutMs);
        }
        if (error instanceof RequestError && error.isNoResponders()) {
          // Right after a reconnect the responders have not resubscribed yet: ask again within the same budget.
          const wait = retryWaitMs(attempt);
          if (this.weather.stormy && deadline - Date.now() > wait) {
            await pause(wait);
            continue;
          }
          throw new BusNoRespondersError(subject);
        }
        throw error;
      }
    }
  }

  async ensureStream(spec: StreamSpec): Promise<EnsureOutcome> {
    return ensureStream(await this.#manager(), spec);
  }

  async ensureConsumer(spec: ConsumerSpec): Promise<EnsureOutcome> {
    return ensureConsumer(await this.#manager(), spec);
  }

  async deleteStream(name: string): Promise<boolean> {
    try {
      return await (await this.#manager()).streams.delete(name);
    } catch (error) {
      if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) return false;
      throw error;
    }
  }

  /**
   * Stores one message; through a NATS outage it waits and publishes again (up to OUTAGE_RIDE_THROUGH_MS), which
   * is safe because the stream de-duplicates on `messageId`: a retried message is stored once.
   */
  async publishDurable(
    subject: string,
    data: Uint8Array,
    headers: BusHeaders,
    messageId: string,
  ): Promise<{ seq: number; duplicate: boolean }> {
    const deadline = Date.now() + OUTAGE_RIDE_THROUGH_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        const ack = await this.#js.publish(subject, data, {
          msgID: messageId,
          headers: toNatsHeaders(headers),
        });
        if (attempt > 1) this.logger.info({ subject, messageId, attempt }, 'durable publish went through');
        return { seq: ack.seq, duplicate: ack.duplicate };
      } catch (error) {
        const wait = retryWaitMs(attempt);
        // "No stream for this subject" looks like JetStream not enabled: an outage only while the connection
        // has trouble; otherwise the topology is missing and waiting will not help.
        const noStream = error instanceof Error && error.name === 'JetStreamNotEnabled';
        const outage = isOutageError(error) && (this.weather.stormy || !noStream);
        if (outage && !this.connection.isClosed() && Date.now() + wait < deadline) {
          if (attempt === 1)
            this.logger.warn(
              { subject, messageId, err: error },
              'durable publish waits for NATS to come back',
            );
          await pause(wait);
          continue;
        }
        if (noStream) throw new BusTopologyError(`no stream stores subject ${subject}`);
        throw error;
      }
    }
  }

  async consume(stream: string, durable: string, handler: DeliveryHandler): Promise<RawSubscription> {
    let consumer: Awaited<ReturnType<JetStreamClient['consumers']['get']>>;
    try {
      consumer = await this.#js.consumers.get(stream, durable);
    } catch (error) {
      throw new BusTopologyError(
        `no consumer ${durable} on stream ${stream}: ${(error as Error).message}`,
        stream,
      );
    }
    const messages = await consumer.consume({ max_messages: CONSUME_BATCH });
    const loop = (async () => {
      for await (const message of messages) {
        await handler(toDelivery(message)).catch((error) => {
          // The handler itself acks/naks; if even that crashed, leave the message to the ack-wait redelivery.
          this.logger.error({ stream, durable, seq: message.seq, err: error }, 'delivery handler crashed');
        });
      }
    })();
    return {
      close: async () => {
        await messages.close();
        await loop;
      },
    };
  }

  async history(stream: string, subject: string, from: Date, to: Date): Promise<RawStoredMessage[]> {
    // Ordered consumer: ephemeral, flow-controlled, cleaned up by the server; one filter subject (server 2.9).
    const consumer = await this.#js.consumers.get(stream, {
      filter_subjects: subject,
      deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: from.toISOString(),
    });
    let pending = (await consumer.info()).num_pending;
    const found: RawStoredMessage[] = [];
    while (pending > 0) {
      const batch = await consumer.fetch({
        max_messages: Math.min(pending, HISTORY_BATCH),
        expires: HISTORY_FETCH_EXPIRES_MS,
      });
      let received = 0;
      let pastWindow = false;
      for await (const message of batch) {
        received++;
        pending = message.info.pending;
        if (message.time.getTime() >= to.getTime()) {
          pastWindow = true;
          break;
        }
        found.push({
          subject: message.subject,
          data: message.data,
          headers: fromNatsHeaders(message.headers),
          seq: message.seq,
          storedAt: message.time,
        });
        if (pending === 0) break;
      }
      if (pastWindow || received === 0) break;
    }
    return found;
  }

  async flush(): Promise<void> {
    await this.connection.flush();
  }

  async ping(): Promise<number> {
    return this.connection.rtt();
  }

  async close(): Promise<void> {
    if (!this.connection.isClosed() && !this.connection.isDraining()) await this.connection.drain();
    await this.connection.closed();
  }

  #manager(): Promise<JetStreamManager> {
    this.#jsm ??= jetstreamManager(this.connection);
    return this.#jsm;
  }
}

function toInbound(message: Msg): RawInbound {
  const base = { subject: message.subject, data: message.data, headers: fromNatsHeaders(message.headers) };
  if (!message.reply) return base;
  return {
    ...base,
    respond: (data, headers) => {
      message.respond(data, { headers: toNatsHeaders(headers) });
    },
  };
}

function toDelivery(message: JsMsg): RawDelivery {
  return {
    subject: message.subject,
    data: message.data,
    headers: fromNatsHeaders(message.headers),
    seq: message.seq,
    deliveryCount: message.info.deliveryCount,
    ack: () => message.ack(),
    nak: (delayMs) => message.nak(delayMs),
    // Server 2.9 only recognises a bare +TERM; the reason travels in the dead letter's headers instead.
    term: (_reason) => message.term(),
  };
}
