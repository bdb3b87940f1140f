import { type Clock, systemClock } from '@ats/contracts';
import type { BusHeaders } from '../codec';
import { BusNoRespondersError, BusTimeoutError, BusTopologyError } from '../errors';
import { subjectMatches } from '../subject-match';
import type { ConsumerSpec, EnsureOutcome, StreamSpec } from '../topology';
import type { DeliveryHandler, RawInbound, RawMessage, RawStoredMessage } from '../transport';
import type { Mailbox } from './mailbox';
import { MemoryConsumer, MemoryStream } from './memory-stream';

interface Route {
  readonly pattern: string;
  readonly queue: string | undefined;
  readonly mailbox: Mailbox<RawInbound>;
}

/**
 * The in-process stand-in for a NATS server: routes by subject with wildcards, gives each message to one member
 * per queue group (round-robin), answers requests, and keeps in-memory streams. Several InProcessBus instances
 * share one broker, like services sharing one server.
 */
export class InProcessBroker {
  readonly clock: Clock;
  readonly #routes = new Set<Route>();
  readonly #nextMember = new Map<string, number>();
  readonly #streams = new Map<string, MemoryStream>();

  constructor(options: { readonly clock?: Clock } = {}) {
    this.clock = options.clock ?? systemClock;
  }

  addRoute(route: Route): () => void {
    this.#routes.add(route);
    return () => this.#routes.delete(route);
  }

  /** Delivers to subscribers and stores in a matching stream (as a server stores any publish on its subjects). */
  publish(message: RawInbound): number {
    for (const stream of this.#streams.values()) {
      if (stream.stores(message.subject)) stream.append(message.subject, message.data, message.headers);
    }
    return this.#route(message);
  }

  request(subject: string, data: Uint8Array, headers: BusHeaders, timeoutMs: number): Promise<RawMessage> {
    return new Promise((resolve, reject) => {
      let answered = false;
      const timer = setTimeout(() => {
        answered = true;
        reject(new BusTimeoutError(subject, timeoutMs));
      }, timeoutMs);
      const respond = (replyData: Uint8Array, replyHeaders: BusHeaders) => {
        if (answered) return; // first answer wins, later ones are dropped as on NATS
        answered = true;
        clearTimeout(timer);
        resolve({ subject, data: replyData, headers: replyHeaders });
      };
      if (this.#route({ subject, data, headers, respond }) === 0) {
        clearTimeout(timer);
        answered = true;
        reject(new BusNoRespondersError(subject));
      }
    });
  }

  ensureStream(spec: StreamSpec): EnsureOutcome {
    for (const other of this.#streams.values()) {
      if (other.spec.name === spec.name) continue;
      const overlap = spec.subjects.find((subject) =>
        other.spec.subjects.some((taken) => subjectMatches(taken, subject) || subjectMatches(subject, taken)),
      );
      if (overlap)
        throw new BusTopologyError(
          `subjects of ${spec.name} overlap with stream ${other.spec.name}`,
          spec.name,
        );
    }
    const existing = this.#streams.get(spec.name);
    if (!existing) {
      this.#streams.set(spec.name, new MemoryStream(spec, this.clock));
      return 'created';
    }
    if (sameJson(existing.spec, spec)) return 'unchanged';
    existing.spec = spec;
    return 'updated';
  }

  ensureConsumer(spec: ConsumerSpec): EnsureOutcome {
    const stream = this.#stream(spec.stream);
    const existing = stream.consumers.get(spec.durable);
    if (!existing) {
      stream.consumers.set(spec.durable, new MemoryConsumer(spec, stream));
      return 'created';
    }
    if (sameJson(existing.spec, spec)) return 'unchanged';
    existing.spec = spec;
    return 'updated';
  }

  deleteStream(name: string): boolean {
    const stream = this.#streams.get(name);
    stream?.close();
    return this.#streams.delete(name);
  }

  publishDurable(subject: string, data: Uint8Array, headers: BusHeaders, messageId: string) {
    const stream = [...this.#streams.values()].find((candidate) => candidate.stores(subject));
    if (!stream) throw new BusTopologyError(`no stream stores subject ${subject}`);
    const ack = stream.append(subject, data, headers, messageId);
    if (!ack.duplicate) this.#route({ subject, data, headers });
    return ack;
  }

  consumer(streamName: string, durable: string): MemoryConsumer {
    const consumer = this.#stream(streamName).consumers.get(durable);
    if (!consumer) throw new BusTopologyError(`no consumer ${durable} on stream ${streamName}`, streamName);
    return consumer;
  }

  attach(streamName: string, durable: string, handler: DeliveryHandler): MemoryConsumer {
    const consumer = this.consumer(streamName, durable);
    consumer.attach(handler);
    return consumer;
  }

  history(streamName: string, subject: string, from: Date, to: Date): RawStoredMessage[] {
    return this.#stream(streamName).between(subject, from, to);
  }

  #stream(name: string): MemoryStream {
    const stream = this.#streams.get(name);
    if (!stream) throw new BusTopologyError(`no stream ${name}`, name);
    return stream;
  }

  /** Every plain subscriber gets the message; each queue group hands it to its next member in turn. */
  #route(message: RawInbound): number {
    const groups = new Map<string, Route[]>();
    let delivered = 0;
    for (const route of this.#routes) {
      if (route.mailbox.closed || !subjectMatches(route.pattern, message.subject)) continue;
      if (route.queue === undefined) {
        route.mailbox.push(message);
        delivered++;
        continue;
      }
      const key = `${route.queue}\u0000${route.pattern}`;
      const members = groups.get(key) ?? [];
      members.push(route);
      groups.set(key, members);
    }
    for (const [key, members] of groups) {
      const turn = this.#nextMember.get(key) ?? 0;
      this.#nextMember.set(key, turn + 1);
      members[turn % members.length]?.mailbox.push(message);
      delivered++;
    }
    return delivered;
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
