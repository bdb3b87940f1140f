import { type BacktestJobOutput, barsReadFrom, runBacktestJob } from '@ats/backtest-jobs';
import type { AppConfig } from '@ats/config';
import { describeLlmCostEstimate } from '@ats/llm';
import { type MarketDataPort, renderDownloadProgress } from '@ats/market-data';
import { printConsoleSummary, type RenderedReports, writeReports } from '@ats/reports';
import { renderDataQualityConsole } from './data-quality-console';
import { SERVICE } from './defaults';
import { jobDepsFactory, openBars } from './job-deps';
import type { CliOptions } from './options';
import { reportBaseName, resolveOutDir } from './paths';
import { POSTGRES_PROBE_TIMEOUT_MS, postgresPortAnswers } from './postgres-reachable';
import { progressPrinter } from './progress';
import type { PostgresProbe } from './store';

/** One backtest in this process: console summary (or `--json`), JSON and HTML reports, a copy in Postgres. */
export async function runOne(options: CliOptions, config: AppConfig): Promise<number> {
  const request = options.request;
  // Offline and embedded needs no server at all; Postgres is probed only when something would use it. Not
  // overlapped with the backtest: its 1.5 s timeout would fire while the computation holds the event loop.
  const wantsPostgres = options.store !== 'never' || request.llmProvider !== 'offline';
  const postgres: PostgresProbe = wantsPostgres
    ? await probePostgres(config.database.url)
    : { unavailable: 'not asked for' };
  const { prisma } = postgres;
  // --store=always: a run whose copy could not be stored fails before it computes anything.
  if (options.store === 'always' && !prisma) throw new Error(whyNotStored(postgres, config));
  const bus =
    options.bus === 'nats'
      ? await (await import('@ats/bus')).connectBus({
          ...config.nats,
          name: SERVICE,
          logger: (await import('./service-logger')).logger(config),
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
      // The range the job reads, so that its reads find these bars normalised.
      { from: barsReadFrom(request), to: request.end },
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
    if (options.store !== 'never') await store(options, postgres, output, written, startedAt, finishedAt);
    return 0;
  } finally {
    await barStore?.close();
    await bus?.close();
    await prisma?.$disconnect();
  }
}

/**
 * Prisma loads only here, and only for a database with this build's schema: a backtest that stores nothing never
 * pays for it, nor one on a machine where nothing listens at the database's port (the README's main job on a fresh
 * machine), nor one whose database was never migrated (two pg queries say so, where Prisma's first query costs
 * ~250 ms and its insert then fails).
 */
async function probePostgres(databaseUrl: string): Promise<PostgresProbe> {
  if ((await postgresPortAnswers(databaseUrl, POSTGRES_PROBE_TIMEOUT_MS)) === false)
    return { unavailable: 'not reachable' };
  const { connectIfMigrated } = await import('./store');
  return connectIfMigrated(databaseUrl);
}

function whyNotStored(postgres: PostgresProbe, config: AppConfig): string {
  return postgres.unavailable === 'not reachable'
    ? `Postgres at ${config.database.url} does not answer`
    : `Postgres ${postgres.unavailable}: run \`npm run db:migrate\``;
}

async function store(
  options: CliOptions,
  postgres: PostgresProbe,
  output: BacktestJobOutput,
  rendered: RenderedReports,
  startedAt: Date,
  finishedAt: Date,
): Promise<void> {
  const { prisma } = postgres;
  if (!prisma) {
    process.stderr.write(
      postgres.unavailable === 'not reachable'
        ? 'Postgres not reachable: result kept in files only\n'
        : `not stored in Postgres (${postgres.unavailable}); run \`npm run db:migrate\` to enable it\n`,
    );
    return;
  }
  try {
    const { storeBacktest } = await import('./store');
    const runId = await storeBacktest(prisma, options.request, output, startedAt, finishedAt, rendered);
    process.stderr.write(`stored in Postgres as run ${runId}\n`);
  } catch (error) {
    // In auto mode the files are the result: a copy that fails (a database changed since the probe) costs only itself.
    if (options.store === 'always') throw error;
    const reason = error instanceof Error ? error.message.split('\n').at(-1) : String(error);
    process.stderr.write(`not stored in Postgres (${reason}); run \`npm run db:migrate\` to enable it\n`);
  }
}
