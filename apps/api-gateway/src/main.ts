import { connectBus } from '@ats/bus';
import { loadConfig } from '@ats/config';
import { createPrismaClient } from '@ats/db';
import { createLogger } from '@ats/observability';
import { buildApiGateway } from './app';
import { probe } from './dependencies';
import { loadGatewaySettings } from './settings';

const SERVICE = 'api-gateway';
const config = loadConfig();
const settings = loadGatewaySettings();
const logger = createLogger({
  service: config.service.name ?? SERVICE,
  level: config.logLevel,
  pretty: config.environment === 'development' && process.stdout.isTTY,
  secretValues: [
    ...config.secretValues,
    ...(settings.API__ACCESS_TOKEN_SECRET ? [settings.API__ACCESS_TOKEN_SECRET] : []),
  ],
});
const bus = await connectBus({
  ...config.nats,
  name: SERVICE,
  logger,
});
const db = createPrismaClient(config.database.url);
const app = await buildApiGateway({
  bus,
  db,
  logger,
  service: SERVICE,
  probes: { nats: probe(() => bus.ping()), postgres: probe(() => db.$queryRaw`SELECT 1`) },
  requiredServices: settings.API__REQUIRED_SERVICES,
  cycleTimeoutMs: settings.API__CYCLE_TIMEOUT_MS,
  rateLimit: { max: settings.API__RATE_LIMIT_MAX, timeWindowMs: settings.API__RATE_LIMIT_WINDOW_MS },
  corsOrigins: config.api.corsOrigins,
  ...(settings.API__ACCESS_TOKEN_SECRET
    ? { accessTokenSecret: Buffer.from(settings.API__ACCESS_TOKEN_SECRET) }
    : {}),
});
await app.listen({ host: config.api.host, port: config.api.port });

async function shutdown(signal: string) {
  logger.info({ signal }, 'shutting down');
  await app.close();
  await bus.close();
  await db.$disconnect();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
