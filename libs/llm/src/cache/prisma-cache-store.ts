import { type Clock, systemClock } from '@ats/contracts';
import type { Prisma, PrismaClient } from '@ats/db';
import type { CachedAnswer, LlmCacheStore } from './cache-store';

/** Answers in Postgres (`llm_cache_entries`), shared by every process and kept across runs. */
export class PrismaLlmCacheStore implements LlmCacheStore {
  constructor(
    private readonly prisma: Pick<PrismaClient, 'llmCacheEntry'>,
    private readonly clock: Clock = systemClock,
  ) {}

  async get(key: string): Promise<CachedAnswer | undefined> {
    const row = await this.prisma.llmCacheEntry.findUnique({ where: { key } });
    if (!row) return undefined;
    // Hit bookkeeping shows which entries a replay still needs; it never changes the answer.
    await this.prisma.llmCacheEntry.update({
      where: { key },
      data: { hits: { increment: 1 }, lastHitAt: this.clock.now() },
    });
    return {
      key: row.key,
      provider: row.provider,
      model: row.model,
      request: row.request,
      answer: row.response,
      promptTokens: row.promptTokens,
      completionTokens: row.completionTokens,
      costUsd: row.costUsd,
    };
  }

  async put(entry: CachedAnswer): Promise<void> {
    // Two processes may answer the same request at once; the first stored answer stays (update: {}).
    await this.prisma.llmCacheEntry.upsert({
      where: { key: entry.key },
      create: {
        key: entry.key,
        provider: entry.provider,
        model: entry.model,
        request: entry.request as Prisma.InputJsonValue,
        response: entry.answer as Prisma.InputJsonValue,
        promptTokens: entry.promptTokens,
        completionTokens: entry.completionTokens,
        costUsd: entry.costUsd,
        createdAt: this.clock.now(),
      },
      update: {},
    });
  }
}
