import type { Clock } from '@ats/contracts';
import type { BusHeaders } from '../codec';
import { subjectMatches } from '../subject-match';
import type { ConsumerSpec, StreamSpec } from '../topology';
import type { DeliveryHandler, RawStoredMessage } from '../transport';

const DEFAULT_DUPLICATE_WINDOW_MS = 120_000;
const DEFAULT_ACK_WAIT_MS = 30_000;

/**
 * An in-memory JetStream stream: sequence numbers, de-duplication by message id within a window, limits by count
 * and age (byte limits are not enforced in memory), and durable consumers with explicit acks.
 */
export class MemoryStream {
  #messages: RawStoredMessage[] = [];
  #lastSeq = 0;
  readonly #recentIds = new Map<string, { seq: number; at: number }>();
  readonly consumers = new Map<string, MemoryConsumer>();

  constructor(
    public spec: StreamSpec,
    private readonly clock: Clock,
  ) {}

  stores(subject: string): boolean {
    return this.spec.subjects.some((pattern) => subjectMatches(pattern, subject));
  }

  append(
    subject: string,
    data: Uint8Array,
    headers: BusHeaders,
    messageId?: string,
  ): { seq: number; duplicate: boolean } {
    const now = this.clock.now();
    if (messageId !== undefined) {
      const seen = this.#recentIds.get(messageId);
      const windowMs = this.spec.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS;
      if (seen && now.getTime() - seen.at < windowMs) return { seq: seen.seq, duplicate: true };
    }
    const seq = ++this.#lastSeq;
    if (messageId !== undefined) this.#recentIds.set(messageId, { seq, at: now.getTime() });
    this.#messages.push({ subject, data, headers, seq, storedAt: now });
    this.#applyLimits(now);
    for (const consumer of this.consumers.values()) consumer.wake();
    return { seq, duplicate: false };
  }

  /** First stored message after `seq` that matches `filter`. */
  nextAfter(seq: number, filter: string | undefined): RawStoredMessage | undefined {
    return this.#messages.find(
      (message) => message.seq > seq && (!filter || subjectMatches(filter, message.subject)),
    );
  }

  between(subject: string, from: Date, to: Date): RawStoredMessage[] {
    return this.#messages.filter(
      (message) =>
        subjectMatches(subject, message.subject) &&
        message.storedAt.getTime() >= from.getTime() &&
        message.storedAt.getTime() < to.getTime(),
    );
  }

  close(): void {
    for (const consumer of this.consumers.values()) consumer.stopTimers();
  }

  #applyLimits(now: Date): void {
    const { maxMessages, maxAgeMs } = this.spec;
    if (maxMessages !== undefined && maxMessages > 0 && this.#messages.length > maxMessages) {
      this.#messages = this.#messages.slice(this.#messages.length - maxMessages);
    }
    if (maxAgeMs !== undefined && maxAgeMs > 0) {
      const oldest = now.getTime() - maxAgeMs;
      let expired = 0;
      while (
        expired < this.#messages.length &&
        (this.#messages[expired] as RawStoredMessage).storedAt.getTime() < oldest
      ) {
        expired++;
      }
      if (expired > 0) this.#messages = this.#messages.slice(expired);
    }
  }
}

interface Redelivery {
  readonly seq: number;
}

/** A durable consumer: a cursor over the stream, delivery counts, and redeliveries after nak or ack timeout. */
export class MemoryConsumer {
  #cursor = 0;
  readonly #deliveries = new Map<number, number>();
  readonly #ready: Redelivery[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  #handler: DeliveryHandler | undefined;
  #pumping: Promise<void> | undefined;

  constructor(
    public spec: ConsumerSpec,
    private readonly stream: MemoryStream,
  ) {}

  attach(handler: DeliveryHandler): void {
    if (this.#handler) throw new Error(`consumer ${this.spec.durable} already has an active consume()`);
    this.#handler = handler;
    this.wake();
  }

  async detach(): Promise<void> {
    this.#handler = undefined;
    await this.#pumping;
  }

  wake(): void {
    if (!this.#handler) return;
    this.#pumping ??= this.#pump().finally(() => {
      this.#pumping = undefined;
    });
  }

  stopTimers(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  async #pump(): Promise<void> {
    await Promise.resolve();
    for (;;) {
      const handler = this.#handler;
      if (!handler) return;
      const message = this.#nextMessage();
      if (!message) return;
      const deliveryCount = (this.#deliveries.get(message.seq) ?? 0) + 1;
      const maxDeliver = this.spec.maxDeliver ?? -1;
      if (maxDeliver > 0 && deliveryCount > maxDeliver) {
        this.#deliveries.delete(message.seq); // the server gives up on it silently, as JetStream does
        continue;
      }
      this.#deliveries.set(message.seq, deliveryCount);
      let settled = false;
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        return true;
      };
      await handler({
        subject: message.subject,
        data: message.data,
        headers: message.headers,
        seq: message.seq,
        deliveryCount,
        ack: () => settle() && this.#deliveries.delete(message.seq),
        term: () => settle() && this.#deliveries.delete(message.seq),
        nak: (delayMs) => settle() && this.#redeliverLater(message.seq, delayMs),
      });
      // Not settled by the handler: behave like an ack-wait expiry.
      if (settle()) this.#redeliverLater(message.seq, this.spec.ackWaitMs ?? DEFAULT_ACK_WAIT_MS);
    }
  }

  #nextMessage(): RawStoredMessage | undefined {
    while (this.#ready.length > 0) {
      const { seq } = this.#ready.shift() as Redelivery;
      const message = this.stream.nextAfter(seq - 1, undefined);
      if (message && message.seq === seq) return message;
    }
    const next = this.stream.nextAfter(this.#cursor, this.spec.filterSubject);
    if (next) this.#cursor = next.seq;
    return next;
  }

  #redeliverLater(seq: number, delayMs: number): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#ready.push({ seq });
      this.wake();
    }, delayMs);
    this.#timers.add(timer);
  }
}
