import { connectBus } from '@ats/bus';
import { loadConfig } from '@ats/config';
import { systemClock } from '@ats/contracts';
import { createPrismaClient } from '@ats/db';
import { createLogger } from '@ats/observability';
import { parseGatewayArgs } from './cli-args';
import { startDataGateway } from './gateway';
import { gatewaySettingsFrom } from './gateway-settings';
import { buildMarketDataChain } from './market-data-chain';
import { startPublishing } from './publishing';

const SERVICE = 'data-gateway';
const args = parseGatewayArgs(process.argv.slice(2));
const config = loadConfig();
const settings = gatewaySettingsFrom(config);
const logger = createLogger({
  service: config.service.name ?? SERVICE,
  level: config.logLevel,
  pretty: config.environment === 'development' && process.stdout.isTTY,
  secretValues: config.secretValues,
});
const bus = await connectBus({
  url: config.nats.url,
  user: config.nats.user,
  password: config.nats.password,
  name: SERVICE,
  logger,
});
const prisma = createPrismaClient(config.database.url);
const chain = await buildMarketDataChain({
  config: settings.marketData,
  clock: systemClock,
  logger,
  prisma,
  nats: bus.connection,
});
const gateway = await startDataGateway({ bus, marketData: chain.cached, logger });
const publisher = await startPublishing(args, {
  bus,
  clock: systemClock,
  logger,
  settings,
  defaultSymbols: config.trading.symbols,
  providers: chain.failover,
  history: chain.cached,
});
publisher.done.catch((err) => {
  logger.error({ err }, 'bar publishing failed');
  void shutdown('publishing failed', 1);
});

async function shutdown(reason: string, exitCode = 0) {
  logger.info({ reason }, 'shutting down');
  await publisher.stop();
  await gateway.stop();
  await chain.close();
  await bus.close();
  await prisma.$disconnect();
  process.exit(exitCode);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
