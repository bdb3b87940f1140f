import { connectBus } from '@ats/bus';
import { loadConfig } from '@ats/config';
import { systemClock } from '@ats/contracts';
import { createPrismaClient } from '@ats/db';
import { dailyBarSource } from '@ats/market-data';
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
import { z } from 'zod';
import { PatternSchema } from './cycle-messages';
import { startOrchestratorService } from './service';

const SERVICE = 'orchestrator';
/** Orchestrator-only settings (the shared ones come from @ats/config). */
const OrchestratorEnv = z.object({
  ORCHESTRATOR__RUN_ID: z.string().min(1).default('live'),
  ORCHESTRATOR__PATTERN: PatternSchema.default('sequential'),
  ORCHESTRATOR__AGENTS: z.enum(['embedded', 'remote']).default('remote'),
  ORCHESTRATOR__INTERVAL_MS: z.coerce.number().int().positive().optional(),
  ORCHESTRATOR__AS_OF: z.iso.date().optional(),
  ORCHESTRATOR__NAMESPACE: z.string().min(1).optional(),
});

const config = loadConfig();
const env = OrchestratorEnv.parse(process.env);
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
const service = await startOrchestratorService({
  bus,
  store: new PrismaTradingStore(prisma),
  provider: dailyBarSource(config.data),
  logger,
  clock: systemClock,
  runId: env.ORCHESTRATOR__RUN_ID,
  symbols: config.trading.symbols,
  pattern: env.ORCHESTRATOR__PATTERN,
  agents: env.ORCHESTRATOR__AGENTS,
  namespace: env.ORCHESTRATOR__NAMESPACE,
  intervalMs: env.ORCHESTRATOR__INTERVAL_MS,
  asOfDate: env.ORCHESTRATOR__AS_OF,
  initialCash: config.trading.initialCapital,
  metrics,
});
const lifecycle = onShutdownSignal(logger, async () => {
  await service.stop();
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
    runId: env.ORCHESTRATOR__RUN_ID,
    ...(await busHealth(bus)),
  }),
});
logger.info({ port: server.port }, 'metrics and health listening');
