import { connectBus } from '@ats/bus';
import type { AppConfig } from '@ats/config';
import {
  busHealth,
  createServiceRegistry,
  DEFAULT_METRICS_PORT,
  jetStreamConsumerLag,
  registerBusCollector,
  registerTradingMetrics,
  startMetricsServer,
} from '@ats/metrics';
import { jobDepsFactory, logger, openBars, SERVICE } from './job-deps';
import type { CliOptions } from './options';
import { backtestQueue } from './queue';
import { requirePostgres } from './store';
import { startBacktestWorker } from './worker';

/**
 * `--worker`: a worker on the backtest work queue, with /metrics and /health, until SIGINT/SIGTERM.
 *
 * Not on `runService` of @ats/service yet: that shell registers the bus collector without a consumer-lag source,
 * and this worker's lag gauge (the queue's backlog) is what a fleet scales on.
 */
export async function runWorker(options: CliOptions, config: AppConfig): Promise<number> {
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
  const marketData = await openBars(config, options, bus);
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
