import type { BusHeaders } from '../codec';
import type { ConsumerSpec, EnsureOutcome, StreamSpec } from '../topology';
import type {
  DeliveryHandler,
  InboundHandler,
  RawInbound,
  RawMessage,
  RawStoredMessage,
  RawSubscription,
  Transport,
} from '../transport';
import type { InProcessBroker } from './broker';
import { Mailbox } from './mailbox';

/** One bus instance's view of the broker; closing it closes only what this instance opened. */
export class InProcessTransport implements Transport {
  readonly #open = new Set<RawSubscription>();

  constructor(private readonly broker: InProcessBroker) {}

  async publish(subject: string, data: Uint8Array, headers: BusHeaders): Promise<void> {
    this.broker.publish({ subject, data, headers });
  }

  async subscribe(
    subject: string,
    options: { readonly queue?: string; readonly mode: 'sequential' | 'concurrent' },
    handler: InboundHandler,
  ): Promise<RawSubscription> {
    const mailbox = new Mailbox<RawInbound>(options.mode, handler);
    const removeRoute = this.broker.addRoute({ pattern: subject, queue: options.queue, mailbox });
    return this.#remember({
      close: async () => {
        removeRoute();
        await mailbox.close();
      },
    });
  }

  request(subject: string, data: Uint8Array, headers: BusHeaders, timeoutMs: number): Promise<RawMessage> {
    return this.broker.request(subject, data, headers, timeoutMs);
  }

  async ensureStream(spec: StreamSpec): Promise<EnsureOutcome> {
    return this.broker.ensureStream(spec);
  }

  async ensureConsumer(spec: ConsumerSpec): Promise<EnsureOutcome> {
    return this.broker.ensureConsumer(spec);
  }

  async deleteStream(name: string): Promise<boolean> {
    return this.broker.deleteStream(name);
  }

  async publishDurable(subject: string, data: Uint8Array, headers: BusHeaders, messageId: string) {
    return this.broker.publishDurable(subject, data, headers, messageId);
  }

  async consume(stream: string, durable: string, handler: DeliveryHandler): Promise<RawSubscription> {
    const consumer = this.broker.attach(stream, durable, handler);
    return this.#remember({ close: () => consumer.detach() });
  }

  async history(stream: string, subject: string, from: Date, to: Date): Promise<RawStoredMessage[]> {
    return this.broker.history(stream, subject, from, to);
  }

  async flush(): Promise<void> {}

  async ping(): Promise<number> {
    return 0;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#open].map((subscription) => subscription.close()));
  }

  #remember(subscription: RawSubscription): RawSubscription {
    const tracked: RawSubscription = {
      close: async () => {
        this.#open.delete(tracked);
        await subscription.close();
      },
    };
    this.#open.add(tracked);
    return tracked;
  }
}
