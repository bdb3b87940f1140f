import { connectBus } from '@ats/bus';
import { loadConfig } from '@ats/config';
import { systemClock } from '@ats/contracts';
import { createPrismaClient } from '@ats/db';
import { evidenceSourceFromConfig } from '@ats/evidence';
import { openMarketDataPort } from '@ats/market-data';
import {
  busHealth,
  createServiceRegistry,
  DEFAULT_METRICS_PORT,
  registerBusCollector,
  registerTradingMetrics,
  startMetricsServer,
} from '@ats/metrics';
import { createLogger, onShutdownSignal } from '@ats/observability';
import { PrismaTradingStore } from '@ats/trading-state';
import { startOrchestratorService } from './service';

const SERVICE = 'orchestrator';
const config = loadConfig();
const settings = config.orchestrator;
const serviceName = config.service.name ?? SERVICE;
const logger = createLogger({
  service: serviceName,
  level: config.logLevel,
  pretty: config.environment === 'development' && process.stdout.isTTY,
  secretValues: config.secretValues,
});
const bus = await connectBus({
  ...config.nats,
  name: SERVICE,
  logger,
});
const registry = createServiceRegistry({ service: serviceName });
const metrics = registerTradingMetrics(registry);
registerBusCollector(registry, { stats: () => bus.stats() });
const prisma = createPrismaClient(config.database.url);
// Market data in this process or through the data gateway (DATA__MODE), on the service's own connection.
const marketData = await openMarketDataPort(config, {
  bus,
  logger,
  namespace: settings.namespace,
  evidence: evidenceSourceFromConfig,
});
logger.info({ marketData: marketData.name }, 'market data port ready');
const service = await startOrchestratorService({
  bus,
  store: new PrismaTradingStore(prisma),
  marketData,
  logger,
  clock: systemClock,
  runId: settings.runId,
  symbols: config.trading.symbols,
  pattern: settings.pattern,
  agents: settings.agents,
  namespace: settings.namespace,
  intervalMs: settings.intervalMs,
  asOfDate: settings.asOfDate,
  initialCash: config.trading.initialCapital,
  metrics,
});
const lifecycle = onShutdownSignal(logger, async () => {
  await service.stop();
  await marketData.close();
  await server.close();
  await bus.close();
  await prisma.$disconnect();
});
// One port serves both /metrics and /health.
const server = await startMetricsServer({
  port: config.service.metricsPort ?? DEFAULT_METRICS_PORT,
  registry,
  health: async () => ({
    status: lifecycle.draining ? 'draining' : 'ok',
    service: serviceName,
    runId: settings.runId,
    ...(await busHealth(bus)),
  }),
});
logger.info({ port: server.port }, 'metrics and health listening');
