import type { DeadLetterKind } from './codec';

export interface BusStats {
  /** Messages sent: publish, publishDurable (new and duplicate), requests and replies. */
  readonly published: number;
  /** Valid messages handed to handlers (subscribe, serve, consume). */
  readonly delivered: number;
  readonly deadLettered: {
    readonly total: number;
    readonly byKind: Readonly<Partial<Record<DeadLetterKind, number>>>;
  };
  /** Incoming messages that failed their contract (type, version, JSON or schema). */
  readonly invalid: number;
  /** Outgoing payloads refused before sending (producer bugs). */
  readonly rejectedOutgoing: number;
}

export class StatsCounter {
  published = 0;
  delivered = 0;
  invalid = 0;
  rejectedOutgoing = 0;
  readonly #deadLettered = new Map<DeadLetterKind, number>();

  deadLetter(kind: DeadLetterKind): void {
    this.#deadLettered.set(kind, (this.#deadLettered.get(kind) ?? 0) + 1);
  }

  snapshot(): BusStats {
    const byKind: Partial<Record<DeadLetterKind, number>> = Object.fromEntries(this.#deadLettered);
    let total = 0;
    for (const n of this.#deadLettered.values()) total += n;
    return {
      published: this.published,
      delivered: this.delivered,
      deadLettered: { total, byKind },
      invalid: this.invalid,
      rejectedOutgoing: this.rejectedOutgoing,
    };
  }
}
