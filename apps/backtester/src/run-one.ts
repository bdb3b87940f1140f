import { type BacktestJobOutput, runBacktestJob } from '@ats/backtest-jobs';
import { connectBus } from '@ats/bus';
import type { AppConfig } from '@ats/config';
import type { PrismaClient } from '@ats/db';
import { describeLlmCostEstimate } from '@ats/llm';
import { type MarketDataPort, renderDownloadProgress } from '@ats/market-data';
import { printConsoleSummary, type RenderedReports, writeReports } from '@ats/reports';
import { renderDataQualityConsole } from './data-quality-console';
import { jobDepsFactory, logger, openBars, SERVICE } from './job-deps';
import type { CliOptions } from './options';
import { reportBaseName, resolveOutDir } from './paths';
import { POSTGRES_PROBE_TIMEOUT_MS, postgresPortAnswers } from './postgres-reachable';
import { progressPrinter } from './progress';

/** One backtest in this process: console summary (or `--json`), JSON and HTML reports, a copy in Postgres. */
export async function runOne(options: CliOptions, config: AppConfig): Promise<number> {
  const request = options.request;
  // Offline and embedded needs no server at all; Postgres is probed only when something would use it. Not
  // overlapped with the backtest: its 1.5 s timeout would fire while the computation holds the event loop.
  const wantsPostgres = options.store !== 'never' || request.llmProvider !== 'offline';
  const prisma = wantsPostgres ? await probePostgres(config.database.url) : undefined;
  const bus =
    options.bus === 'nats'
      ? await connectBus({
          ...config.nats,
          name: SERVICE,
          logger: logger(config),
        })
      : undefined;
  let barStore: MarketDataPort | undefined;
  try {
    const deps = await jobDepsFactory(options, config, prisma, bus)(request);
    // Every symbol (and a benchmark ticker) is in a local store or downloaded once, before the clock starts.
    barStore = await openBars(config, options, bus);
    const needed =
      request.benchmark === 'equal-weight' ? request.symbols : [...request.symbols, request.benchmark];
    await barStore.prefetch(
      needed,
      { to: request.end },
      options.progress ? renderDownloadProgress(process.stderr, { onlyDownloads: true }) : undefined,
    );
    const startedAt = new Date();
    const onProgress = options.progress ? progressPrinter() : undefined;
    const output = await runBacktestJob(request, {
      ...deps,
      bars: barStore,
      ...(onProgress ? { onProgress } : {}),
      // Before the first decision: what the run may cost at most (stderr, so --json stays pipeable).
      onLlmEstimate: (estimate) => process.stderr.write(`${describeLlmCostEstimate(estimate)}\n`),
    });
    const finishedAt = new Date();
    process.stderr.write(renderDataQualityConsole(output.dataQuality));
    if (output.llmBudgetStop) {
      process.stderr.write(
        `LLM budget reached: decisions from ${output.llmBudgetStop.ts} (${output.llmBudgetStop.variant}) on are rule-based\n`,
      );
    }
    const degraded = output.degradedDecisions;
    if (degraded.length > 0) {
      // A backtest with agents that failed measures the fallbacks, not the strategy: say so loudly.
      process.stderr.write(
        `warning: ${degraded.length} decision time(s) ran degraded, first ${degraded[0]?.ts} (${degraded[0]?.variant}): ${degraded[0]?.note}\n`,
      );
    }

    const baseName = reportBaseName(request);
    const written = writeReports(resolveOutDir(options.outDir), baseName, output.report);
    if (options.json) {
      process.stdout.write(written.json);
    } else {
      printConsoleSummary(output.report);
      const { stats, llmUsage } = output.result;
      process.stdout.write(
        `\n${stats.symbolDays} symbol-days, ${output.result.fills.length} fills, ${output.result.trades.length} closed trades` +
          ` in ${(finishedAt.getTime() - startedAt.getTime()) / 1000}s (incl. attribution runs)\n` +
          `LLM calls: ${llmUsage.calls} (cached ${llmUsage.cachedCalls}), tokens ${llmUsage.promptTokens} prompt + ` +
          `${llmUsage.completionTokens} completion, cost $${llmUsage.costUsd.toFixed(4)}\n` +
          `report: ${written.htmlPath}\njson:   ${written.jsonPath}\n`,
      );
    }
    if (options.store !== 'never')
      await store(options, config, prisma, output, written, startedAt, finishedAt);
    return 0;
  } finally {
    await barStore?.close();
    await bus?.close();
    await prisma?.$disconnect();
  }
}

/**
 * Prisma (and pg) load only here: a backtest that stores nothing never pays for them, nor one on a machine where
 * nothing listens at the database's port (the README's main job on a fresh machine).
 */
async function probePostgres(databaseUrl: string): Promise<PrismaClient | undefined> {
  if ((await postgresPortAnswers(databaseUrl, POSTGRES_PROBE_TIMEOUT_MS)) === false) return undefined;
  const { connectIfAvailable } = await import('./store');
  return connectIfAvailable(databaseUrl);
}

async function store(
  options: CliOptions,
  config: AppConfig,
  prisma: PrismaClient | undefined,
  output: BacktestJobOutput,
  rendered: RenderedReports,
  startedAt: Date,
  finishedAt: Date,
): Promise<void> {
  if (!prisma) {
    if (options.store === 'always') throw new Error(`Postgres at ${config.database.url} does not answer`);
    process.stderr.write('Postgres not reachable: result kept in files only\n');
    return;
  }
  try {
    const { storeBacktest } = await import('./store');
    const runId = await storeBacktest(prisma, options.request, output, startedAt, finishedAt, rendered);
    process.stderr.write(`stored in Postgres as run ${runId}\n`);
  } catch (error) {
    // In auto mode the files are the result; a database without migrations only costs the copy in Postgres.
    if (options.store === 'always') throw error;
    const reason = error instanceof Error ? error.message.split('\n').at(-1) : String(error);
    process.stderr.write(`not stored in Postgres (${reason}); run \`npm run db:migrate\` to enable it\n`);
  }
}
