import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@ats/config';
import { systemClock } from '@ats/contracts';
import type { PrismaClient } from '@ats/db';
import { evidenceSourceFromConfig } from '@ats/evidence';
import { openMarketDataPort } from '@ats/market-data';
import { dataFolderPath, startFakeYahooLive, testServices, uniqueName } from '@ats/tool-testing';
import { afterAll, beforeAll } from 'vitest';
import { barChannels } from '../src/bar-channels';
import { gatewaySubjects } from '../src/gateway';
import { LiveBarPublisher } from '../src/live-bar-publisher';
import { logger, openPrisma, startGatewayInstance } from './harness';
import { describeMarketDataPortContract, type PortWorld } from './market-data-port-contract';

/** How often new bars are looked for in these tests (the embedded poller, the gateway's live publisher). */
const NEW_BAR_POLL_MS = 300;

/** Symbols no other test (or an earlier run, through the shared L3 table) has bars of. */
function liveSymbols(): string[] {
  const tag = randomBytes(3).toString('hex').toUpperCase();
  return [`LA${tag}`, `LB${tag}`];
}

let prisma: PrismaClient;
beforeAll(() => {
  prisma = openPrisma();
});
afterAll(async () => {
  await prisma?.$disconnect();
});

describeMarketDataPortContract('in-process (embedded mode)', async (): Promise<PortWorld> => {
  const symbols = liveSymbols();
  const yahoo = await startFakeYahooLive({ symbols, liveSessions: 6 });
  const config = loadConfig({
    env: {
      DATA__MODE: 'embedded',
      DATA__DIR: dataFolderPath(),
      DATA__CACHE_DIR: mkdtempSync(join(tmpdir(), 'ats-port-cache-')),
      DATA__DOWNLOAD: 'auto',
      DATA__YAHOO_BASE_URL: yahoo.baseUrl,
    },
    envFile: null,
  });
  const port = await openMarketDataPort(config, {
    pollIntervalMs: NEW_BAR_POLL_MS,
    logger,
    evidence: evidenceSourceFromConfig,
  });
  return {
    port,
    yahoo,
    liveSymbols: symbols,
    evidence: evidenceSourceFromConfig(config),
    async stop() {
      await port.close();
      await yahoo.close();
    },
  };
});

describeMarketDataPortContract('NATS client of the data gateway (distributed mode)', async () => {
  const symbols = liveSymbols();
  const yahoo = await startFakeYahooLive({ symbols, liveSessions: 6 });
  const namespace = uniqueName('dgport');
  const bucket = uniqueName('md_cache');
  // The gateway as main.ts wires it (chain, caches, every service), its data folder first, then the fake Yahoo.
  const gateway = await startGatewayInstance({
    env: {
      DATA__PROVIDERS: 'local,yahoo',
      DATA__DIR: dataFolderPath(),
      DATA__YAHOO_BASE_URL: yahoo.baseUrl,
      DATA__YAHOO_REQUESTS_PER_MINUTE: '6000',
    },
    subjects: gatewaySubjects(namespace),
    bucket,
    prisma,
    evidence: true,
  });
  const channels = barChannels(namespace);
  await gateway.bus.ensureTopology({ streams: [channels.stream] });
  const publisher = new LiveBarPublisher({
    bus: gateway.bus,
    channels,
    source: gateway.chain.failover,
    clock: systemClock,
    logger,
    symbols,
    timeframe: '1d',
    lookbackDays: 20,
  });
  publisher.start(NEW_BAR_POLL_MS);
  const config = loadConfig({
    env: { DATA__MODE: 'distributed', NATS__URL: testServices().natsUrl },
    envFile: null,
  });
  const port = await openMarketDataPort(config, { namespace, logger, connectionName: 'port-contract' });
  return {
    port,
    yahoo,
    liveSymbols: symbols,
    evidence: evidenceSourceFromConfig(loadConfig({ env: { DATA__DIR: dataFolderPath() }, envFile: null })),
    async stop() {
      await port.close();
      await publisher.stop();
      await gateway.chain.sharedCache?.destroy();
      await gateway.bus.deleteStream(channels.stream.name);
      await gateway.stop();
      await yahoo.close();
    },
  };
});
