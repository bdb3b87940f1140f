import { connectBus } from '@ats/bus';
import { loadConfig } from '@ats/config';
import { LocalCsvProvider } from '@ats/market-data';
import { createLogger } from '@ats/observability';
import { startDataGateway } from './gateway';
import { singleProviderSource } from './history-service';

const SERVICE = 'data-gateway';
const config = loadConfig();
const logger = createLogger({
  service: config.service.name ?? SERVICE,
  level: config.logLevel,
  pretty: config.environment === 'development' && process.stdout.isTTY,
  secretValues: config.secretValues,
});
const bus = await connectBus({ url: config.nats.url, name: SERVICE, logger });
const provider = new LocalCsvProvider(config.data.dir ? { path: config.data.dir } : {});
const gateway = await startDataGateway({ bus, history: singleProviderSource(provider), logger });

async function shutdown(signal: string) {
  logger.info({ signal }, 'shutting down');
  await gateway.stop();
  await bus.close();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
