/**
 * Replays stored daily bars through analysis cycles: `npx nx run orchestrator:run --symbols=AAPL,MSFT
 * --replay-from=2023-01-01 --replay-to=2023-03-31 [--mode=paper] [--pattern=parallel] [--json] [--run-id=<id>]`.
 * Tables (or one JSON line per cycle) go to stdout, logs to stderr. Exit 0 done, 1 failed, 2 bad arguments.
 */
import { randomBytes } from 'node:crypto';
import { connectBus } from '@ats/bus';
import { loadConfig } from '@ats/config';
import { createPrismaClient, ensureMigrations } from '@ats/db';
import {
  type MarketDataPort,
  MissingMarketDataError,
  openMarketDataPort,
  renderDownloadProgress,
} from '@ats/market-data';
import {
  createServiceRegistry,
  jetStreamConsumerLag,
  type MetricsServer,
  registerBusCollector,
  registerTradingMetrics,
  startMetricsServer,
} from '@ats/metrics';
import { createLogger } from '@ats/observability';
import { orderChannels } from '@ats/paper-broker';
import { PrismaTradingStore } from '@ats/trading-state';
import { parseCliArgs, USAGE, UsageError, wantsHelp } from './cli-args';
import { runReplay } from './replay';
import { cycleJson, formatCycleTable, latencySummary } from './report';

async function main(rawArgv: string[]): Promise<number> {
  const argv = rawArgv.filter((a) => a !== '--');
  if (wantsHelp(argv)) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (argv.length === 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const args = parseCliArgs(argv);
  const config = loadConfig();
  // A fresh database gets the schema here (one query when it is up to date): no `npm run db:migrate` first.
  await ensureMigrations({ databaseUrl: config.database.url });
  // Logs go to stderr so stdout stays the table or the JSON lines; quiet unless LOG_LEVEL asks for more.
  const logger = createLogger({
    service: 'orchestrator',
    level: process.env.LOG_LEVEL ?? 'warn',
    destination: process.stderr,
    secretValues: config.secretValues,
  });
  const runId =
    args.runId ?? `${args.mode}-${new Date().toISOString().slice(0, 10)}-${randomBytes(3).toString('hex')}`;
  const bus = await connectBus({
    ...config.nats,
    name: 'orchestrator-cli',
    logger,
  });
  const prisma = createPrismaClient(config.database.url);
  // With SERVICE__METRICS_PORT the replay is scraped like the service (paper marks, bus, the intake's lag).
  const registry = createServiceRegistry({ service: config.service.name ?? 'orchestrator-cli' });
  const metrics = registerTradingMetrics(registry);
  const intake = { stream: orderChannels(args.namespace).stream.name, durable: 'paper-broker' };
  registerBusCollector(registry, {
    stats: () => bus.stats(),
    consumerLag: jetStreamConsumerLag(bus.connection, [intake], (c, err) =>
      logger.debug({ ...c, err }, 'consumer lag unreadable'),
    ),
  });
  let stop = false;
  let server: MetricsServer | undefined;
  if (config.service.metricsPort !== undefined)
    server = await startMetricsServer({
      port: config.service.metricsPort,
      registry,
      health: () => ({ status: stop ? 'draining' : 'ok', runId }),
    });
  const onSignal = () => {
    stop = true;
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const colour = process.stdout.isTTY === true && !args.json;
  let provider: MarketDataPort | undefined;
  try {
    // Bars in a local store or downloaded once (or the data gateway's, DATA__MODE=distributed), checked up front.
    provider = await openMarketDataPort(config, { bus, logger });
    await provider.prefetch(
      args.symbols,
      { to: args.to },
      renderDownloadProgress(process.stderr, { onlyDownloads: true }),
    );
    const timeouts = args.agentTimeoutMs;
    const outcome = await runReplay({
      runId,
      symbols: args.symbols,
      mode: args.mode,
      pattern: args.pattern,
      from: args.from,
      to: args.to,
      initialCash: args.initialCash ?? config.trading.initialCapital,
      agents: args.agents,
      agentTimeoutMs:
        timeouts === undefined
          ? undefined
          : { technical: timeouts, sentiment: timeouts, risk: timeouts, portfolio: timeouts },
      namespace: args.namespace,
      speed: args.speed,
      bus,
      store: new PrismaTradingStore(prisma),
      provider,
      logger,
      metrics,
      stopRequested: () => stop,
      onCycle: (report, index, total) => {
        process.stdout.write(
          `${args.json ? cycleJson(report) : formatCycleTable(report, index, total, { colour })}\n`,
        );
      },
    });
    const summary = {
      type: 'summary',
      runId: outcome.runId,
      resumed: outcome.resumed,
      skippedCycles: outcome.skipped,
      ...outcome.settings,
      latency: outcome.reports.length > 0 ? latencySummary(outcome.reports) : null,
      equity: outcome.reports.at(-1)?.equity ?? null,
      interrupted: stop,
    };
    process.stdout.write(
      args.json
        ? `${JSON.stringify(summary)}\n`
        : `run ${summary.runId}${summary.resumed ? ` (resumed, ${summary.skippedCycles} cycles already done)` : ''}: ` +
            `${outcome.reports.length} cycles, latency p50 ${summary.latency?.p50Ms ?? '-'} ms, ` +
            `p99 ${summary.latency?.p99Ms ?? '-'} ms (team p50 ${summary.latency?.teamP50Ms ?? '-'} ms)\n`,
    );
    return 0;
  } finally {
    await provider?.close();
    await server?.close();
    await bus.close();
    await prisma.$disconnect();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(
      error instanceof UsageError
        ? `orchestrator run: ${error.message} (--help for usage)`
        : error instanceof Error
          ? error.message
          : error,
    );
    // A usage error, or no bars in any store and no download possible (the message says the ways out): 2.
    process.exitCode = error instanceof UsageError || error instanceof MissingMarketDataError ? 2 : 1;
  },
);
