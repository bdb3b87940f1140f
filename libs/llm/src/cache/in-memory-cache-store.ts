import type { CachedAnswer, LlmCacheStore } from './cache-store';

/** Answers kept in the process: for tests and the embedded mode without Postgres. */
export class InMemoryLlmCacheStore implements LlmCacheStore {
  private readonly entries = new Map<string, { entry: CachedAnswer; hits: number }>();

  async get(key: string): Promise<CachedAnswer | undefined> {
    const stored = this.entries.get(key);
    if (!stored) return undefined;
    stored.hits += 1;
    return structuredClone(stored.entry);
  }

  async put(entry: CachedAnswer): Promise<void> {
    if (!this.entries.has(entry.key)) this.entries.set(entry.key, { entry: structuredClone(entry), hits: 0 });
  }

  get size(): number {
    return this.entries.size;
  }

  hitsOf(key: string): number {
    return this.entries.get(key)?.hits ?? 0;
  }
}
