import { type BacktestJobDeps, buildReasoner, runBacktestJob } from '@ats/backtest-jobs';
import { connectBus, type NatsBus } from '@ats/bus';
import { type AppConfig, configuredKeys, loadConfig } from '@ats/config';
import { ContractValidationError } from '@ats/contracts';
import type { PrismaClient } from '@ats/db';
import { evidenceSourceFromConfig } from '@ats/evidence';
import { describeLlmCostEstimate } from '@ats/llm';
import {
  DataQualityError,
  type MarketDataPort,
  MissingMarketDataError,
  openMarketDataPort,
  renderDownloadProgress,
} from '@ats/market-data';
import {
  busHealth,
  createServiceRegistry,
  DEFAULT_METRICS_PORT,
  jetStreamConsumerLag,
  registerBusCollector,
  registerTradingMetrics,
  startMetricsServer,
  type TradingMetrics,
} from '@ats/metrics';
import { createLogger, type Logger } from '@ats/observability';
import { printConsoleSummary, renderJsonReport, writeReports } from '@ats/reports';
import { withConfigDefaults } from './config-defaults';
import { renderDataQualityConsole } from './data-quality-console';
import { type CliOptions, parseCliOptions, USAGE } from './options';
import { reportBaseName, resolveOutDir } from './paths';
import { progressPrinter } from './progress';
import { backtestQueue } from './queue';
import { remoteAgents } from './remote-agents';
import { connectIfAvailable, storeBacktest } from './store';
import { expandSweep } from './sweep';
import { renderSweepTable, submitSweep, waitForRuns } from './sweep-queue';
import { summariseSweep } from './sweep-statistics';
import { type JobDepsFactory, startBacktestWorker } from './worker';

const SERVICE = 'backtester';

/**
 * `nx run backtester:backtest`: one backtest in this process (offline by default; `--llm`, `--bus=nats`), or a
 * sweep / walk-forward queued as jobs; `nx run backtester:start` (`--worker`): a worker on the job queue.
 */
async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = loadConfig();
  // Flags win over TRADING__* settings the user made, which win over the request's defaults.
  const parsed = parseCliOptions(withConfigDefaults(argv, config.trading, configuredKeys()));
  // --strict-data / --no-strict-data win over DATA__STRICT.
  const options = { ...parsed, strictData: parsed.strictData ?? config.data.strict };
  if (options.worker) return runWorker(options, config);
  if (options.sweep.length > 0 || options.walkForward) return runSweep(options, config);
  return runOne(options, config);
}

function logger(config: AppConfig): Logger {
  return createLogger({
    service: config.service.name ?? SERVICE,
    level: config.logLevel,
    pretty: config.environment === 'development' && process.stdout.isTTY,
    secretValues: config.secretValues,
    destination: process.stderr,
  });
}

async function requirePostgres(config: AppConfig): Promise<PrismaClient> {
  const prisma = await connectIfAvailable(config.database.url);
  if (!prisma) throw new Error(`Postgres at ${config.database.url} does not answer (DATABASE__URL)`);
  return prisma;
}

/**
 * Daily bars (and sentiment evidence) for every run through the market-data port: the data folder, then the download
 * cache, then a first-run download (DATA__*), in this process; or the data gateway's with DATA__MODE=distributed
 * (on `bus` when connected).
 */
const bars = (config: AppConfig, options: CliOptions, bus?: NatsBus): Promise<MarketDataPort> =>
  openMarketDataPort(config, {
    ...(bus ? { bus } : {}),
    ...(options.namespace ? { namespace: options.namespace } : {}),
    evidence: evidenceSourceFromConfig,
    connectionName: SERVICE,
  });

/** The reasoner for the job's llmProvider and, with --bus=nats, the agents reached as services. */
function jobDepsFactory(
  options: CliOptions,
  config: AppConfig,
  prisma: PrismaClient | undefined,
  bus: NatsBus | undefined,
  metrics?: TradingMetrics,
): JobDepsFactory {
  return async (request) => {
    const llm = await buildReasoner(request.llmProvider, config.llm, {
      ...(prisma ? { prisma } : {}),
      ...(metrics ? { metrics } : {}),
      budget: {
        ...optional('perRunUsd', options.llmBudgetUsd ?? config.llm.budgetUsdPerRun),
        ...optional('perDayUsd', config.llm.budgetUsdPerDay),
      },
    });
    const deps: Omit<BacktestJobDeps, 'bars' | 'onProgress'> = {
      strictData: options.strictData ?? false,
      reasoners: llm.reasoners,
      agentConfigs: llm.agents,
      llmUsage: llm.usage,
      risk: config.trading.risk,
      ...(bus
        ? {
            agents: remoteAgents(bus, request, {
              remote: options.remoteAgents,
              ...(options.namespace ? { namespace: options.namespace } : {}),
            }),
          }
        : {}),
    };
    return deps;
  };
}

/** `{ key: value }`, or nothing for an unset value (exactOptionalPropertyTypes). */
const optional = <K extends string>(key: K, value: number | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, number>>;

async function runOne(options: CliOptions, config: AppConfig): Promise<number> {
  const request = options.request;
  // Offline and embedded needs no server at all; Postgres is probed only when something would use it.
  const wantsPostgres = options.store !== 'never' || request.llmProvider !== 'offline';
  const prisma = wantsPostgres ? await connectIfAvailable(config.database.url) : undefined;
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
    barStore = await bars(config, options, bus);
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
      process.stdout.write(renderJsonReport(output.report));
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
    if (options.store !== 'never') await store(options, config, prisma, output, startedAt, finishedAt);
    return 0;
  } finally {
    await barStore?.close();
    await bus?.close();
    await prisma?.$disconnect();
  }
}

async function store(
  options: CliOptions,
  config: AppConfig,
  prisma: PrismaClient | undefined,
  output: Awaited<ReturnType<typeof runBacktestJob>>,
  startedAt: Date,
  finishedAt: Date,
): Promise<void> {
  if (!prisma) {
    if (options.store === 'always') throw new Error(`Postgres at ${config.database.url} does not answer`);
    process.stderr.write('Postgres not reachable: result kept in files only\n');
    return;
  }
  try {
    const runId = await storeBacktest(prisma, options.request, output, startedAt, finishedAt);
    process.stderr.write(`stored in Postgres as run ${runId}\n`);
  } catch (error) {
    // In auto mode the files are the result; a database without migrations only costs the copy in Postgres.
    if (options.store === 'always') throw error;
    const reason = error instanceof Error ? error.message.split('\n').at(-1) : String(error);
    process.stderr.write(`not stored in Postgres (${reason}); run \`npm run db:migrate\` to enable it\n`);
  }
}

async function runSweep(options: CliOptions, config: AppConfig): Promise<number> {
  const cases = expandSweep(options.request, options.sweep, options.walkForward);
  const prisma = await requirePostgres(config);
  const bus = await connectBus({
    ...config.nats,
    name: SERVICE,
    logger: logger(config),
  });
  try {
    const queue = backtestQueue(options.namespace);
    await bus.ensureTopology({ streams: [queue.stream] });
    const sweep = await submitSweep({ bus, prisma, queue }, cases, `cli:${process.env.USER ?? 'unknown'}`);
    process.stderr.write(`queued ${cases.length} backtests as ${sweep.sweepId}\n`);
    if (!options.wait) {
      process.stdout.write(`${sweep.runIds.join('\n')}\n`);
      return 0;
    }
    const rows = await waitForRuns(prisma, sweep.runIds, {
      timeoutMs: options.waitTimeoutMs,
      onPoll: (done) => process.stderr.isTTY && process.stderr.write(`\r${done}/${cases.length} done`),
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    // Deflated Sharpe, PBO and the walk-forward IS/OOS table; all of it in <out>/<sweep id>.json too.
    const summary = summariseSweep(sweep.sweepId, cases, rows, resolveOutDir(options.outDir));
    process.stdout.write(
      options.json
        ? summary.json
        : `${renderSweepTable(cases, rows)}${summary.text}json:   ${summary.jsonPath}\n`,
    );
    return rows.every((r) => r.status === 'completed') ? 0 : 1;
  } finally {
    await bus.close();
    await prisma.$disconnect();
  }
}

async function runWorker(options: CliOptions, config: AppConfig): Promise<number> {
  const log = logger(config);
  const serviceName = config.service.name ?? SERVICE;
  const prisma = await requirePostgres(config);
  const bus = await connectBus({
    ...config.nats,
    name: SERVICE,
    logger: log,
  });
  const queue = backtestQueue(options.namespace);
  const registry = createServiceRegistry({ service: serviceName });
  const metrics = registerTradingMetrics(registry);
  registerBusCollector(registry, {
    stats: () => bus.stats(),
    // The jobs waiting on the shared durable: the backlog every worker of the fleet drains.
    consumerLag: jetStreamConsumerLag(
      bus.connection,
      [{ stream: queue.stream.name, durable: queue.durable }],
      (consumer, err) => log.warn({ ...consumer, err }, 'consumer lag unreadable'),
    ),
  });
  const marketData = await bars(config, options, bus);
  const worker = await startBacktestWorker({
    bus,
    prisma,
    bars: marketData,
    queue,
    logger: log,
    metrics,
    jobDeps: jobDepsFactory(options, config, prisma, options.bus === 'nats' ? bus : undefined, metrics),
  });
  let draining = false;
  const server = await startMetricsServer({
    port: config.service.metricsPort ?? DEFAULT_METRICS_PORT,
    registry,
    health: async () => ({
      status: draining ? 'draining' : 'ok',
      service: serviceName,
      workerId: worker.workerId,
      ...worker.stats(),
      ...(await busHealth(bus)),
    }),
  });
  log.info({ port: server.port }, 'metrics and health listening');
  // The first signal drains; a second one (process group Ctrl-C, then a supervisor's SIGTERM) is ignored.
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  draining = true;
  log.info({ signal, ...worker.stats() }, 'stopping: finishing the job in progress');
  await worker.stop();
  await marketData.close();
  await server.close();
  await bus.close();
  await prisma.$disconnect();
  return 0;
}

/** Flag errors: node's parseArgs (unknown option, missing value) and the request contract's validation. */
function isUsageError(error: unknown): error is Error {
  if (error instanceof ContractValidationError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return (
    (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) ||
    (error instanceof Error && error.message.startsWith('invalid backtest options'))
  );
}

/** Node's parseArgs messages run on with advice about positionals; the first sentence names the flag. */
function firstSentence(error: Error): string {
  return error.message.split(/\.\s/)[0] ?? error.message;
}

/**
 * Ends the process with `code` once stdout and stderr have handed every queued byte to the OS: a pipe takes 64 KiB
 * at a time, and a bare process.exit would cut `--json | other-program` there. process.exit is still needed (not
 * just exitCode) because a client library may keep a handle open.
 */
function exitAfterFlush(code: number): void {
  process.exitCode = code;
  let open = 2;
  const flushed = () => {
    open -= 1;
    if (open === 0) process.exit(code);
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
}

main(process.argv.slice(2).filter((arg) => arg !== '--')).then(exitAfterFlush, (error: unknown) => {
  if (isUsageError(error)) {
    // A bad or unknown flag: one line and the way to the usage, exit 2 like every CLI here.
    process.stderr.write(`backtest: ${firstSentence(error)} (--help for usage)\n`);
    exitAfterFlush(2);
    return;
  }
  if (error instanceof DataQualityError) {
    // Strict data mode: the findings instead of a run on repaired data.
    process.stderr.write(`backtest refused: ${error.message}\n`);
    exitAfterFlush(2);
    return;
  }
  if (error instanceof MissingMarketDataError) {
    // Nothing to run on: what is missing and the two ways out, no stack trace.
    process.stderr.write(`${error.message}\n`);
    exitAfterFlush(2);
    return;
  }
  process.stderr.write(`backtest failed: ${error instanceof Error ? error.message : String(error)}\n`);
  exitAfterFlush(1);
});
