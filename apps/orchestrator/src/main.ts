import { connectBus } from '@ats/bus';
import { loadConfig } from '@ats/config';
import { systemClock } from '@ats/contracts';
import { createPrismaClient } from '@ats/db';
import { LocalCsvProvider } from '@ats/market-data';
import { createLogger } from '@ats/observability';
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
const logger = createLogger({
  service: config.service.name ?? SERVICE,
  level: config.logLevel,
  pretty: config.environment === 'development' && process.stdout.isTTY,
  secretValues: config.secretValues,
});
const bus = await connectBus({ url: config.nats.url, user: config.nats.user, password: config.nats.password, name: SERVICE, logger });
const prisma = createPrismaClient(config.database.url);
const service = await startOrchestratorService({
  bus,
  store: new PrismaTradingStore(prisma),
  provider: new LocalCsvProvider(config.data.dir ? { path: config.data.dir } : {}),
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
});

async function shutdown(signal: string) {
  logger.info({ signal }, 'shutting down');
  await service.stop();
  await bus.close();
  await prisma.$disconnect();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
