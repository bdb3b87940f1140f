/**
 * Per-subscription delivery queue: messages arrive asynchronously (never inside the publisher's call, as with a
 * real server) and are handled one at a time or all at once.
 */
export class Mailbox<T> {
  #queue: T[] = [];
  #head = 0; // index of the next item: shift() on a long array is O(n)
  readonly #inFlight = new Set<Promise<void>>();
  #pumping: Promise<void> | undefined;
  #closed = false;

  constructor(
    private readonly mode: 'sequential' | 'concurrent',
    private readonly handle: (item: T) => Promise<void>,
  ) {}

  get closed(): boolean {
    return this.#closed;
  }

  push(item: T): void {
    if (this.#closed) return;
    this.#queue.push(item);
    this.#pumping ??= this.#pump();
  }

  /** Drain semantics: what is already queued is still handled, nothing new is accepted. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#pumping;
    await Promise.all(this.#inFlight);
  }

  async #pump(): Promise<void> {
    await Promise.resolve();
    try {
      while (this.#head < this.#queue.length) {
        const item = this.#queue[this.#head++] as T;
        if (this.#head === this.#queue.length) {
          this.#queue = [];
          this.#head = 0;
        }
        if (this.mode === 'sequential') {
          await this.handle(item);
        } else {
          const task = this.handle(item).finally(() => this.#inFlight.delete(task));
          this.#inFlight.add(task);
        }
      }
    } finally {
      this.#pumping = undefined;
    }
  }
}
