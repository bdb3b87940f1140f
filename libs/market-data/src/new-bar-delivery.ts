import type { Bar } from '@ats/contracts';

/**
 * Hands new bars to a subscriber exactly once and in time order per symbol, whatever mix of polling, stream
 * catch-up and live messages found them: a bar at or before the symbol's last delivered `ts` is dropped, and
 * handler calls run one after another.
 */
export class NewBarDelivery {
  readonly #lastTs = new Map<string, string>();
  readonly #symbols: ReadonlySet<string>;
  readonly #onBar: (bar: Bar) => void | Promise<void>;
  readonly #onError: (error: unknown, bar: Bar) => void;
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(options: {
    readonly symbols: readonly string[];
    readonly after?: Readonly<Record<string, string>>;
    readonly onBar: (bar: Bar) => void | Promise<void>;
    readonly onError: (error: unknown, bar: Bar) => void;
  }) {
    this.#symbols = new Set(options.symbols.map((s) => s.toUpperCase()));
    for (const [symbol, ts] of Object.entries(options.after ?? {}))
      this.#lastTs.set(symbol.toUpperCase(), ts);
    this.#onBar = options.onBar;
    this.#onError = options.onError;
  }

  /** Open time of the last bar delivered (or given as `after`) for a symbol. */
  lastTs(symbol: string): string | undefined {
    return this.#lastTs.get(symbol.toUpperCase());
  }

  /** Queues the bars that are new (sorted by time first); resolves when they have been handed over. */
  offer(bars: readonly Bar[]): Promise<void> {
    const fresh = [...bars]
      .filter((bar) => this.#symbols.has(bar.symbol))
      .sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
    for (const bar of fresh) {
      this.#queue = this.#queue.then(async () => {
        const last = this.#lastTs.get(bar.symbol);
        if (this.#closed || (last !== undefined && bar.ts <= last)) return;
        this.#lastTs.set(bar.symbol, bar.ts);
        try {
          await this.#onBar(bar);
        } catch (error) {
          // The subscriber's failure is its own; it is reported and the next bar still comes.
          this.#onError(error, bar);
        }
      });
    }
    return this.#queue;
  }

  /** No bar is handed over after this; resolves when the call in progress has returned. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue;
  }
}
