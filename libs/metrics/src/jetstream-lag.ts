import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ConsumerLag } from './bus-collector';

export interface DurableConsumerRef {
  readonly stream: string;
  readonly durable: string;
}

/**
 * Consumer backlog from JetStream (`$JS.API.CONSUMER.INFO.<stream>.<durable>`), for `registerBusCollector`.
 * A consumer that cannot be read (not created yet, NATS down) is left out and reported to `onError`, so one
 * missing consumer never fails the whole scrape.
 */
export function jetStreamConsumerLag(
  connection: NatsConnection,
  consumers: readonly DurableConsumerRef[],
  onError: (consumer: DurableConsumerRef, error: unknown) => void,
): () => Promise<readonly ConsumerLag[]> {
  const manager = jetstreamManager(connection, { checkAPI: false });
  return async () => {
    const jsm = await manager;
    const infos = await Promise.allSettled(consumers.map((c) => jsm.consumers.info(c.stream, c.durable)));
    const lags: ConsumerLag[] = [];
    infos.forEach((info, i) => {
      const ref = consumers[i];
      if (!ref) return;
      if (info.status === 'rejected') {
        onError(ref, info.reason);
        return;
      }
      lags.push({
        stream: ref.stream,
        consumer: ref.durable,
        pending: info.value.num_pending,
        ackPending: info.value.num_ack_pending,
      });
    });
    return lags;
  };
}
