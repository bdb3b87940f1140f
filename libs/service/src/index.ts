import { connectBus, type NatsBus } from '@ats/bus';
import { type AppConfig, loadConfig } from '@ats/config';
import { createPrismaClient, type PrismaClient } from '@ats/db';
import {
  busHealth,
  createServiceRegistry,
  DEFAULT_METRICS_PORT,
  type DurableConsumerRef,
  type HealthReport,
  jetStreamConsumerLag,
  type MetricsServer,
  registerBusCollector,
  registerTradingMetrics,
  startMetricsServer,
  type TradingMetrics,
} from '@ats/metrics';
import { createLogger, type GracefulShutdown, type Logger, onShutdownSignal } from '@ats/observability';

/** What every service process has before its own part starts, built once by `runService`. */
export interface ServiceContext {
  readonly config: AppConfig;
  /** SERVICE__NAME, else the app's own name: log field, metrics label, /health. */
  readonly service: string;
  readonly logger: Logger;
  /** The process's NATS connection, named after the app. */
  readonly bus: NatsBus;
  readonly metrics: TradingMetrics;
  /** Postgres (DATABASE__URL), created on the first call; disconnected last at shutdown. */
  prisma(): PrismaClient;
  /** `draining` once shutdown began; `shutdown()` for a background task that failed. */
  readonly lifecycle: GracefulShutdown;
}

/** Something the service used that is closed after it stopped (market data, caches). */
export interface Closable {
  close(): Promise<void>;
}

/** The app's own part, as `start` hands it back to the shell. */
export interface StartedService {
  /** Stops taking work and finishes what is in flight: the first step of shutdown. */
  stop(): Promise<void>;
  /** Closed in this order after `stop`, before the metrics server, the bus and Postgres. */
  readonly closers?: readonly Closable[];
  /** Fields the service adds to /health; a `status` of its own wins over the shell's ok / draining. */
  health?(): Partial<HealthReport> | Promise<Partial<HealthReport>>;
  /** Runs before each /metrics scrape (sources that keep running totals sync their counters). */
  beforeScrape?(): void | Promise<void>;
}

export interface ServiceOptions {
  /** The app's name: the NATS connection name, and the service name unless SERVICE__NAME overrides it. */
  readonly service: string;
  /** The configuration when the app already loaded it (a CLI that reads it for its flags); else loaded here. */
  readonly config?: AppConfig;
  /** Where the logs go: stdout (default), or stderr for a process whose stdout is its output. */
  readonly logTo?: 'stdout' | 'stderr';
  /**
   * JetStream durables this service consumes: /metrics exports their backlog as consumer lag (what a fleet of
   * workers on a shared queue scales on). None by default.
   */
  readonly durableConsumers?: readonly DurableConsumerRef[];
  /** Builds and starts the app's part on the shared context. */
  start(context: ServiceContext): Promise<StartedService>;
}

/**
 * The start-up shell of every service `main.ts`: config → pino logger (service name, LOG_LEVEL, secrets redacted) →
 * bus → metrics registry → the app's `start` → /metrics and /health on SERVICE__METRICS_PORT. On the first
 * SIGINT/SIGTERM it drains in order: the service, its closers, the metrics server, the bus, Postgres; then exits.
 */
export async function runService(options: ServiceOptions): Promise<GracefulShutdown> {
  const config = options.config ?? loadConfig();
  const service = config.service.name ?? options.service;
  const logger = createLogger({
    service,
    level: config.logLevel,
    pretty: config.environment === 'development' && process.stdout.isTTY,
    secretValues: config.secretValues,
    ...(options.logTo === 'stderr' ? { destination: process.stderr } : {}),
  });
  const bus = await connectBus({ ...config.nats, name: options.service, logger });
  const registry = createServiceRegistry({ service });
  const metrics = registerTradingMetrics(registry);
  const consumers = options.durableConsumers ?? [];
  registerBusCollector(registry, {
    stats: () => bus.stats(),
    ...(consumers.length > 0
      ? {
          consumerLag: jetStreamConsumerLag(bus.connection, consumers, (consumer, err) =>
            logger.warn({ ...consumer, err }, 'consumer lag unreadable'),
          ),
        }
      : {}),
  });
  let prisma: PrismaClient | undefined;
  let started: StartedService | undefined;
  let server: MetricsServer | undefined;
  // Listening from the start, so a signal during start-up still closes the bus and Postgres.
  const lifecycle = onShutdownSignal(logger, async () => {
    await started?.stop();
    for (const closer of started?.closers ?? []) await closer.close();
    await server?.close();
    await bus.close();
    await prisma?.$disconnect();
  });
  started = await options.start({
    config,
    service,
    logger,
    bus,
    metrics,
    prisma: () => {
      prisma ??= createPrismaClient(config.database.url);
      return prisma;
    },
    lifecycle,
  });
  const own = started;
  // One port serves both /metrics and /health.
  server = await startMetricsServer({
    port: config.service.metricsPort ?? DEFAULT_METRICS_PORT,
    registry,
    ...(own.beforeScrape ? { beforeScrape: () => own.beforeScrape?.() } : {}),
    health: async () => ({
      status: lifecycle.draining ? 'draining' : 'ok',
      service,
      ...(await own.health?.()),
      ...(await busHealth(bus)),
    }),
  });
  logger.info({ port: server.port }, 'metrics and health listening');
  return lifecycle;
}
