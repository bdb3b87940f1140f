import type { Bus, Subscription } from '@ats/bus';
import { type AgentDecision, type Fill, TradingMessages } from '@ats/contracts';
import type { GatewayChannels } from './channels';

export type LiveEvent =
  | { readonly kind: 'decision'; readonly subject: string; readonly data: AgentDecision }
  | { readonly kind: 'fill'; readonly subject: string; readonly data: Fill };

export type LiveListener = (event: LiveEvent) => void;

/**
 * One bus subscription to decisions and fills shared by every open /v1/stream connection (a browser tab each),
 * so N viewers cost N socket writes, not N NATS subscriptions.
 */
export class LiveEvents {
  readonly #listeners = new Set<LiveListener>();
  #subscriptions: Subscription[] = [];

  constructor(
    private readonly bus: Bus,
    private readonly channels: GatewayChannels,
  ) {}

  async start(): Promise<void> {
    this.#subscriptions = await Promise.all([
      this.bus.subscribe(this.channels.decisions, TradingMessages.agentDecision, (m) =>
        this.#emit({ kind: 'decision', subject: m.subject, data: m.data }),
      ),
      this.bus.subscribe(this.channels.fills, TradingMessages.fill, (m) =>
        this.#emit({ kind: 'fill', subject: m.subject, data: m.data }),
      ),
    ]);
  }

  get listeners(): number {
    return this.#listeners.size;
  }

  listen(listener: LiveListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    await Promise.all(this.#subscriptions.map((s) => s.close()));
    this.#subscriptions = [];
    this.#listeners.clear();
  }

  #emit(event: LiveEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}
