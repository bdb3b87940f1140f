import type { PaperRunStatus } from '@ats/contracts';
import type { PrismaClient } from '@ats/db';
import { HttpProblem } from './errors';

/** A paper run's progress from Postgres (the orchestrator writes it as the replay goes): 404 for other runs. */
export async function paperRunStatus(db: PrismaClient, runId: string): Promise<PaperRunStatus> {
  const run = await db.run.findUnique({ where: { id: runId } });
  if (run?.kind !== 'paper') throw new HttpProblem(404, `no paper run ${runId}`);
  const [cycles, orders, fills, last] = await Promise.all([
    db.portfolioSnapshot.count({ where: { runId } }),
    db.order.count({ where: { runId } }),
    db.fill.count({ where: { order: { runId } } }),
    db.portfolioSnapshot.findFirst({
      where: { runId },
      orderBy: [{ takenAt: 'desc' }, { id: 'desc' }],
      select: { equity: true, takenAt: true },
    }),
  ]);
  return {
    runId,
    status: run.status,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    settings: (run.config ?? {}) as Record<string, unknown>,
    cycles,
    orders,
    fills,
    equity: last?.equity ?? null,
    asOf: last?.takenAt.toISOString() ?? null,
  };
}
