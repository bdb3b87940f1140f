import type { Clock } from '@ats/contracts';
import type { PrismaClient } from '@ats/db';

const MS_PER_DAY = 86_400_000;

/**
 * What provider answers cost since 00:00 UTC today, from the Postgres answer cache: every answer the provider gave is
 * stored there with its cost (cache mode read-write), so this is the day's spend of every process sharing the
 * database. Spend under cache mode `off` is not stored and not counted.
 */
export async function dailyLlmSpendUsd(
  prisma: Pick<PrismaClient, 'llmCacheEntry'>,
  clock: Clock,
): Promise<number> {
  const now = clock.now();
  const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const nextMidnight = new Date(midnight.getTime() + MS_PER_DAY);
  const sum = await prisma.llmCacheEntry.aggregate({
    _sum: { costUsd: true },
    where: { createdAt: { gte: midnight, lt: nextMidnight } },
  });
  return sum._sum.costUsd ?? 0;
}
