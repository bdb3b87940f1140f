import type { Clock } from '@ats/contracts';
import type { PrismaClient } from '@ats/db';
import {
  type BarStore,
  buildProviders,
  CachedMarketData,
  FailoverMarketData,
  type MarketDataConfig,
  type MarketDataProvider,
  NatsKvCache,
  PrismaBarStore,
  PrismaProviderCallRecorder,
} from '@ats/market-data';
import type { TradingMetrics } from '@ats/metrics';
import type { Logger } from '@ats/observability';
import type { NatsConnection } from '@nats-io/transport-node';
import { MeteredProviderCallRecorder, noteLocalRefusals, RateLimitSources } from './market-data-metrics';

export interface MarketDataChainOptions {
  readonly config: MarketDataConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Postgres: L3 closed bars and one audit row per provider call. */
  readonly prisma?: PrismaClient;
  /** NATS: L2 KV bucket shared by every gateway instance. */
  readonly nats?: NatsConnection;
  /** Provider calls and rate-limit hits are counted here (the process's registry). */
  readonly metrics?: TradingMetrics;
}

/** Providers in failover order, behind L1 (process), L2 (NATS KV) and L3 (Postgres) caches. */
export interface MarketDataChain {
  readonly providers: readonly MarketDataProvider[];
  readonly failover: FailoverMarketData;
  readonly cached: CachedMarketData;
  readonly store: BarStore | undefined;
  readonly sharedCache: NatsKvCache | undefined;
  /** Waits for the provider-call audit rows still being written. */
  close(): Promise<void>;
}

export async function buildMarketDataChain(options: MarketDataChainOptions): Promise<MarketDataChain> {
  const { config, clock, logger, prisma, nats, metrics } = options;
  const sources = new RateLimitSources();
  const built = buildProviders(config, clock);
  const providers = metrics ? built.map((p) => noteLocalRefusals(p, sources)) : built;
  const audit = prisma ? new PrismaProviderCallRecorder(prisma) : undefined;
  const recorder = metrics ? new MeteredProviderCallRecorder(metrics, sources, audit) : audit;
  const failover = new FailoverMarketData({
    providers,
    clock,
    rateLimitCooldownMs: config.rateLimitCooldownMs,
    ...(recorder ? { recorder } : {}),
    onRecordError: (err) => logger.warn({ err }, 'provider call audit row not written'),
  });
  const sharedCache = nats
    ? await NatsKvCache.open(nats, { bucket: config.sharedCacheBucket, ttlMs: config.sharedCacheTtlMs })
    : undefined;
  const store = prisma ? new PrismaBarStore(prisma) : undefined;
  const cached = new CachedMarketData({
    source: failover,
    clock,
    ttl: config.cacheTtl,
    l1MaxEntries: config.l1MaxEntries,
    ...(sharedCache ? { shared: sharedCache } : {}),
    ...(store ? { store } : {}),
    // A cache tier that fails costs a provider call, never the request.
    onTierError: (tier, err) => logger.warn({ tier, err }, 'market-data cache tier failed'),
  });
  logger.info(
    {
      providers: failover.providerNames,
      l2: sharedCache?.bucket ?? null,
      l3: store ? 'postgres' : null,
    },
    'market data chain ready',
  );
  return {
    providers,
    failover,
    cached,
    store,
    sharedCache,
    close: () => failover.flushCallRecords(),
  };
}
