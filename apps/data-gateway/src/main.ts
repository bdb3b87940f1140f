import { systemClock } from '@ats/contracts';
import { evidenceSourceFromConfig } from '@ats/evidence';
import { cacheTotalsSync } from '@ats/metrics';
import { runService } from '@ats/service';
import { parseGatewayArgs } from './cli-args';
import { gatewaySubjects, startDataGateway } from './gateway';
import { gatewaySettingsFrom } from './gateway-settings';
import { buildMarketDataChain } from './market-data-chain';
import { countingFailures } from './market-data-metrics';
import { startPublishing } from './publishing';

/** Dashboard names of CachedMarketData's tiers: process memory, the NATS KV bucket, Postgres closed bars. */
const CACHE_TIER_NAMES = { l1: 'memory', l2: 'nats_kv', l3: 'postgres' };
const args = parseGatewayArgs(process.argv.slice(2));

await runService({
  service: 'data-gateway',
  async start({ config, logger, bus, metrics, prisma, lifecycle }) {
    const settings = gatewaySettingsFrom(config);
    const chain = await buildMarketDataChain({
      config: settings.marketData,
      clock: systemClock,
      logger,
      prisma: prisma(),
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
    publisher.done.catch((err) => {
      metrics.errors.inc({ component: 'publishing', kind: err instanceof Error ? err.name : 'Error' });
      logger.error({ err }, 'bar publishing failed');
      void lifecycle.shutdown('publishing failed', 1);
    });
    return {
      async stop() {
        await publisher.stop();
        await gateway.stop();
      },
      closers: [chain],
      beforeScrape: () => cacheTotals.sync(),
    };
  },
});
