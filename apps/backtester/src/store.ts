import type { BacktestJobOutput } from '@ats/backtest-jobs';
import type { AppConfig } from '@ats/config';
import type { BacktestRequest } from '@ats/contracts';
import { loadCreatePrismaClient, type PrismaClient, pendingMigrations, redactPassword } from '@ats/db';
import { type RenderedReports, renderJsonReport, renderTearSheet } from '@ats/reports';
import { POSTGRES_PROBE_TIMEOUT_MS } from './postgres-reachable';

/** Connects when Postgres answers quickly; the embedded backtest must work on a machine without it. */
export async function connectIfAvailable(databaseUrl: string): Promise<PrismaClient | undefined> {
  const createPrismaClient = await loadCreatePrismaClient();
  const prisma = createPrismaClient(databaseUrl);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      prisma.$queryRaw`SELECT 1`,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), POSTGRES_PROBE_TIMEOUT_MS);
      }),
    ]);
    return prisma;
  } catch {
    await prisma.$disconnect().catch(() => undefined);
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What a run can do with Postgres: a client for a database with this build's schema, or why there is none
 * (`not reachable`, `not asked for`, or which migrations the database lacks).
 */
export type PostgresProbe =
  | { readonly prisma: PrismaClient; readonly unavailable?: undefined }
  | { readonly prisma?: undefined; readonly unavailable: string };

/**
 * A client when Postgres answers and its database has every migration of this build; otherwise why not. Whether
 * the schema is there takes two short queries on node-postgres; Prisma loads only after them.
 */
export async function connectIfMigrated(databaseUrl: string): Promise<PostgresProbe> {
  let timer: NodeJS.Timeout | undefined;
  let pending: string[];
  try {
    pending = await Promise.race([
      pendingMigrations(databaseUrl),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), POSTGRES_PROBE_TIMEOUT_MS);
      }),
    ]);
  } catch {
    return { unavailable: 'not reachable' };
  } finally {
    clearTimeout(timer);
  }
  if (pending.length > 0) {
    const missing =
      pending.length === 1
        ? `this build's migration ${pending[0]}`
        : `${pending.length} of this build's migrations (from ${pending[0]})`;
    return { unavailable: `${redactPassword(databaseUrl)} lacks ${missing}` };
  }
  const prisma = await connectIfAvailable(databaseUrl);
  return prisma ? { prisma } : { unavailable: 'not reachable' };
}

/** Postgres for the modes that cannot work without it (sweeps on the queue, the worker). */
export async function requirePostgres(config: AppConfig): Promise<PrismaClient> {
  const prisma = await connectIfAvailable(config.database.url);
  if (!prisma) throw new Error(`Postgres at ${config.database.url} does not answer (DATABASE__URL)`);
  return prisma;
}

/**
 * The stored result of a run: config, metrics, equity curve and trades as in the JSON report, and the tear sheet.
 * `rendered`: the reports as already written to files (writeReports), so they are not rendered again.
 */
export function backtestResultRow(output: BacktestJobOutput, rendered?: RenderedReports) {
  const json = JSON.parse(rendered?.json ?? renderJsonReport(output.report)) as Record<string, unknown>;
  return {
    config: json.config as object,
    metrics: json.metrics as object,
    equityCurve: json.equityCurve as object,
    trades: json.trades as object,
    reportHtml: rendered?.html ?? renderTearSheet(output.report),
  };
}

/** Stores the run, its metrics, curve, trades and HTML tear sheet; returns the run id. */
export async function storeBacktest(
  prisma: PrismaClient,
  request: BacktestRequest,
  output: BacktestJobOutput,
  startedAt: Date,
  finishedAt: Date,
  rendered?: RenderedReports,
): Promise<string> {
  const run = await prisma.run.create({
    data: {
      kind: 'backtest',
      status: 'completed',
      config: JSON.parse(JSON.stringify(request)),
      startedAt,
      finishedAt,
      backtestResult: { create: backtestResultRow(output, rendered) },
    },
  });
  return run.id;
}
