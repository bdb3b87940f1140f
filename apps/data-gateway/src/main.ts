import { connectBus } from '@ats/bus';
import { loadConfig } from '@ats/config';
import { systemClock } from '@ats/contracts';
import { createPrismaClient } from '@ats/db';
import { evidenceSourceFromConfig } from '@ats/evidence';
import {
  busHealth,
  cacheTotalsSync,
  createServiceRegistry,
  DEFAULT_METRICS_PORT,
  registerBusCollector,
  registerTradingMetrics,
  startMetricsServer,
} from '@ats/metrics';
import { createLogger, onShutdownSignal } from '@ats/observability';
import { parseGatewayArgs } from './cli-args';
import { gatewaySubjects, startDataGateway } from './gateway';
import { gatewaySettingsFrom } from './gateway-settings';
import { buildMarketDataChain } from './market-data-chain';
import { countingFailures } from './market-data-metrics';
import { startPublishing } from './publishing';

const SERVICE = 'data-gateway';
/** Dashboard names of CachedMarketData's tiers: process memory, the NATS KV bucket, Postgres closed bars. */
const CACHE_TIER_NAMES = { l1: 'memory', l2: 'nats_kv', l3: 'postgres' };
const args = parseGatewayArgs(process.argv.slice(2));
const config = loadConfig();
const settings = gatewaySettingsFrom(config);
const service = config.service.name ?? SERVICE;
const logger = createLogger({
  service,
  level: config.logLevel,
  pretty: config.environment === 'development' && process.stdout.isTTY,
  secretValues: config.secretValues,
});
const bus = await connectBus({
  ...config.nats,
  name: SERVICE,
  logger,
});
const registry = createServiceRegistry({ service });
const metrics = registerTradingMetrics(registry);
registerBusCollector(registry, { stats: () => bus.stats() });
const prisma = createPrismaClient(config.database.url);
const chain = await buildMarketDataChain({
  config: settings.marketData,
  clock: systemClock,
  logger,
  prisma,
  nats: bus.connection,
  metrics,
});
const cacheTotals = cacheTotalsSync(
  metrics,
  'market-data',
  () => chain.cached.cacheStats(),
  CACHE_TIER_NAMES,
);
const gateway = await startDataGateway({
  bus,
  marketData: countingFailures(chain.cached, metrics),
  // The data folder's news, tweets, fear & greed and Form 4 files, plus the remote APIs EVIDENCE__* turns on.
  evidence: evidenceSourceFromConfig(config),
  logger,
  subjects: gatewaySubjects(args.namespace),
});
const publisher = await startPublishing(args, {
  bus,
  clock: systemClock,
  logger,
  settings,
  defaultSymbols: config.trading.symbols,
  providers: chain.failover,
  history: chain.cached,
});
const lifecycle = onShutdownSignal(logger, async () => {
  await publisher.stop();
  await gateway.stop();
  await chain.close();
  await server.close();
  await bus.close();
  await prisma.$disconnect();
});
const server = await startMetricsServer({
  port: config.service.metricsPort ?? DEFAULT_METRICS_PORT,
  registry,
  beforeScrape: () => cacheTotals.sync(),
  health: async () => ({
    status: lifecycle.draining ? 'draining' : 'ok',
    service,
    ...(await busHealth(bus)),
  }),
});
logger.info({ port: server.port }, 'metrics and health listening');
publisher.done.catch((err) => {
  metrics.errors.inc({ component: 'publishing', kind: err instanceof Error ? err.name : 'Error' });
  logger.error({ err }, 'bar publishing failed');
  void lifecycle.shutdown('publishing failed', 1);
});
