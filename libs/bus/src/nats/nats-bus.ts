import type { Clock } from '@ats/contracts';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { type BusLogger, silentLogger } from '../logger';
import type { RateLimit } from '../rate-limiter';
import { type BusOptions, TypedBus } from '../typed-bus';
import { NatsTransport } from './nats-transport';

/** Base wait between reconnect attempts, plus up to RECONNECT_JITTER_MS of random jitter (no thundering herd). */
const RECONNECT_WAIT_MS = 1000;
const RECONNECT_JITTER_MS = 500;

export interface ConnectBusOptions {
  /** NATS server URL(s), e.g. `nats://127.0.0.1:4222`. */
  readonly url: string | readonly string[];
  /** Service name: connection name and `Ats-Producer` header. */
  readonly name: string;
  readonly logger?: BusLogger;
  readonly clock?: Clock;
  readonly rateLimit?: RateLimit;
}

/** The bus over a NATS connection (core pub/sub and request/reply, JetStream for durable work). */
export class NatsBus extends TypedBus {
  readonly #monitor: Promise<void>;

  constructor(
    readonly connection: NatsConnection,
    options: BusOptions,
  ) {
    const logger = options.logger ?? silentLogger;
    super(new NatsTransport(connection, logger), options);
    this.#monitor = watchConnection(connection, options.name, logger);
  }

  override async close(): Promise<void> {
    await super.close();
    await this.#monitor;
  }
}

/** Connects with unlimited, jittered reconnects: a service outlives NATS restarts instead of exiting. */
export async function connectBus(options: ConnectBusOptions): Promise<NatsBus> {
  const logger = options.logger ?? silentLogger;
  const connection = await connect({
    servers: typeof options.url === 'string' ? options.url : [...options.url],
    name: options.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: RECONNECT_WAIT_MS,
    reconnectJitter: RECONNECT_JITTER_MS,
  });
  logger.info({ server: connection.getServer(), name: options.name }, 'connected to NATS');
  return new NatsBus(connection, { ...options, logger });
}

async function watchConnection(connection: NatsConnection, name: string, logger: BusLogger): Promise<void> {
  for await (const status of connection.status()) {
    switch (status.type) {
      case 'disconnect':
      case 'reconnecting':
      case 'staleConnection':
        logger.warn({ name, status: status.type }, 'NATS connection trouble');
        break;
      case 'reconnect':
        logger.info({ name, status: status.type }, 'reconnected to NATS');
        break;
      case 'error':
        logger.error({ name, status: status.type, err: status.error }, 'NATS connection error');
        break;
      default:
        logger.debug({ name, status: status.type }, 'NATS status');
    }
  }
}
