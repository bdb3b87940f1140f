import { randomUUID } from 'node:crypto';
import type { Bus } from '@ats/bus';
import { ApiMessages, type Clock, systemClock } from '@ats/contracts';
import type { PrismaClient } from '@ats/db';
import { alignTable, formatDate, formatPercent, formatRatio } from '@ats/reports';
import type { BacktestQueue } from './queue';
import type { SweepCase } from './sweep';

export interface SubmittedSweep {
  /** Correlation id shared by the sweep's runs (Run.correlationId). */
  readonly sweepId: string;
  readonly runIds: readonly string[];
}

/**
 * Records one Run per case (kind backtest, status running, correlation id = the sweep) and publishes its job on
 * the work queue with the run id as message id, so a retried publish never queues a job twice.
 */
export async function submitSweep(
  deps: {
    readonly bus: Bus;
    readonly prisma: PrismaClient;
    readonly queue: BacktestQueue;
    readonly clock?: Clock;
  },
  cases: readonly SweepCase[],
  requestedBy: string,
): Promise<SubmittedSweep> {
  const clock = deps.clock ?? systemClock;
  const sweepId = `sweep-${randomUUID()}`;
  const runIds: string[] = [];
  for (const sweepCase of cases) {
    const requestedAt = clock.now();
    const run = await deps.prisma.run.create({
      data: {
        kind: 'backtest',
        status: 'running',
        config: JSON.parse(JSON.stringify(sweepCase.request)),
        startedAt: requestedAt,
        correlationId: sweepId,
      },
    });
    await deps.bus.publishDurable(
      deps.queue.subject,
      ApiMessages.backtestJob,
      { runId: run.id, request: sweepCase.request, requestedBy, requestedAt: requestedAt.toISOString() },
      { messageId: run.id, correlationId: sweepId },
    );
    runIds.push(run.id);
  }
  return { sweepId, runIds };
}

export interface SweepRunRow {
  readonly id: string;
  readonly status: string;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly metrics: Record<string, unknown> | null;
  /** The stored equity curve ({ ts, equity, … } points), for the sweep's overfitting statistics. */
  readonly equityCurve: { ts: string; equity: number }[] | null;
  readonly failure: string | null;
}

export class SweepTimeoutError extends Error {
  override readonly name = 'SweepTimeoutError';
}

/** Polls Postgres until every run has finished (completed, failed or cancelled); the rows in `runIds` order. */
export async function waitForRuns(
  prisma: PrismaClient,
  runIds: readonly string[],
  options: { readonly timeoutMs: number; readonly pollMs?: number; readonly onPoll?: (done: number) => void },
): Promise<SweepRunRow[]> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const rows = await readRuns(prisma, runIds);
    const done = rows.filter((r) => r.status !== 'running').length;
    options.onPoll?.(done);
    if (done === runIds.length) return rows;
    if (Date.now() > deadline) {
      throw new SweepTimeoutError(
        `${runIds.length - done} of ${runIds.length} backtests still running after ${options.timeoutMs} ms: are workers running (nx run backtester:start)?`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
  }
}

export async function readRuns(prisma: PrismaClient, runIds: readonly string[]): Promise<SweepRunRow[]> {
  const runs = await prisma.run.findMany({
    where: { id: { in: [...runIds] } },
    select: {
      id: true,
      status: true,
      startedAt: true,
      finishedAt: true,
      config: true,
      backtestResult: { select: { metrics: true, equityCurve: true } },
    },
  });
  const byId = new Map(runs.map((r) => [r.id, r]));
  return runIds.map((id) => {
    const run = byId.get(id);
    if (!run) throw new Error(`run ${id} is not in the database`);
    const failure = (run.config as { failure?: { message?: string } } | null)?.failure?.message ?? null;
    return {
      id,
      status: run.status,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      metrics: (run.backtestResult?.metrics as Record<string, unknown> | undefined) ?? null,
      equityCurve: (run.backtestResult?.equityCurve as { ts: string; equity: number }[] | undefined) ?? null,
      failure,
    };
  });
}

/** One line per case: its parameters, status and headline metrics, in submission order. */
export function renderSweepTable(cases: readonly SweepCase[], rows: readonly SweepRunRow[]): string {
  const num = (m: Record<string, unknown> | null, key: string) =>
    typeof m?.[key] === 'number' ? (m[key] as number) : null;
  const header = ['case', 'window', 'status', 'return', 'CAGR', 'Sharpe', 'max DD', 'trades', 'run id'];
  const lines = cases.map((c, i) => {
    const row = rows[i];
    const m = row?.metrics ?? null;
    return [
      Object.entries(c.params)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ') || 'base',
      `${formatDate(c.window.start)}..${formatDate(c.window.end)}`,
      row?.status === 'failed' ? `failed: ${row.failure ?? '?'}`.slice(0, 60) : (row?.status ?? '?'),
      formatPercent(num(m, 'totalReturn')),
      formatPercent(num(m, 'cagr')),
      formatRatio(num(m, 'sharpe')),
      formatPercent(num(m, 'maxDrawdown')),
      String(num(m, 'tradeCount') ?? '—'),
      row?.id ?? '',
    ];
  });
  return `${alignTable([header, ...lines]).join('\n')}\n`;
}
