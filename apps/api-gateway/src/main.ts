import { connectBus } from '@ats/bus';
import { loadConfig } from '@ats/config';
import { createPrismaClient } from '@ats/db';
import { createLogger } from '@ats/observability';
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
const bus = await connectBus({ url: config.nats.url, name: SERVICE, logger });
const db = createPrismaClient(config.database.url);
const app = await buildApiGateway({
  bus,
  logger,
  service: SERVICE,
  probes: { nats: probe(() => bus.ping()), postgres: probe(() => db.$queryRaw`SELECT 1`) },
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
