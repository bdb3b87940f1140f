import { connectBus } from '@ats/bus';
import { loadConfig } from '@ats/config';
import { createPrismaClient } from '@ats/db';
import {
  busHealth,
  createServiceRegistry,
  DEFAULT_METRICS_PORT,
  registerBusCollector,
  registerTradingMetrics,
  startMetricsServer,
} from '@ats/metrics';
import { createLogger, onShutdownSignal } from '@ats/observability';
import { buildApiGateway } from './app';
import { probe } from './dependencies';

const SERVICE = 'api-gateway';
const config = loadConfig();
const logger = createLogger({
  service: config.service.name ?? SERVICE,
  level: config.logLevel,
  pretty: config.environment === 'development' && process.stdout.isTTY,
  secretValues: config.secretValues,
});
const bus = await connectBus({
  ...config.nats,
  name: SERVICE,
  logger,
});
const serviceName = config.service.name ?? SERVICE;
const registry = createServiceRegistry({ service: serviceName });
const metrics = registerTradingMetrics(registry);
registerBusCollector(registry, { stats: () => bus.stats() });
const db = createPrismaClient(config.database.url);
const app = await buildApiGateway({
  bus,
  db,
  logger,
  service: SERVICE,
  probes: { nats: probe(() => bus.ping()), postgres: probe(() => db.$queryRaw`SELECT 1`) },
  requiredServices: config.api.requiredServices,
  cycleTimeoutMs: config.api.cycleTimeoutMs,
  rateLimit: config.api.rateLimit,
  addressLimit: config.api.addressLimit,
  corsOrigins: config.api.corsOrigins,
  metrics,
  ...(config.api.accessTokenSecret ? { accessTokenSecret: Buffer.from(config.api.accessTokenSecret) } : {}),
});
await app.listen({ host: config.api.host, port: config.api.port });
const lifecycle = onShutdownSignal(logger, async () => {
  await app.close();
  await metricsServer.close();
  await bus.close();
  await db.$disconnect();
});
// Prometheus and the container probe use their own port, apart from the public API and its rate limit.
const metricsServer = await startMetricsServer({
  port: config.service.metricsPort ?? DEFAULT_METRICS_PORT,
  registry,
  health: async () => ({
    status: lifecycle.draining ? 'draining' : 'ok',
    service: serviceName,
    ...(await busHealth(bus)),
  }),
});
logger.info({ port: metricsServer.port }, 'metrics and health listening');
