import type { ProviderErrorKind } from './errors';

/** One call to a provider as the ProviderCall table keeps it (health, latency and error accounting). */
export interface ProviderCallRecord {
  readonly provider: string;
  /** `bars`, `quote` or `news`. */
  readonly endpoint: string;
  readonly symbol?: string;
  /** `ok`, `empty` (answered without data) or `error`. */
  readonly status: 'ok' | 'empty' | 'error';
  readonly errorKind?: ProviderErrorKind;
  readonly latencyMs: number;
  readonly calledAt: Date;
}

/** Where provider calls are written; the data gateway plugs in the Prisma one. */
export interface ProviderCallRecorder {
  record(call: ProviderCallRecord): void | Promise<void>;
}

/** Keeps calls in memory (tests, local runs, a `/health` view of recent calls). */
export class InMemoryProviderCallRecorder implements ProviderCallRecorder {
  readonly calls: ProviderCallRecord[] = [];
  constructor(private readonly capacity = 10_000) {}
  record(call: ProviderCallRecord): void {
    this.calls.push(call);
    if (this.calls.length > this.capacity) this.calls.shift();
  }
}
