import { connectBus, type NatsBus } from '@ats/bus';
import { loadConfig } from '@ats/config';
import { type Clock, systemClock } from '@ats/contracts';
import { createPrismaClient, type PrismaClient } from '@ats/db';
import { evidenceSourceFromConfig } from '@ats/evidence';
import type { TradingMetrics } from '@ats/metrics';
import { createLogger } from '@ats/observability';
import { testServices, uniqueName } from '@ats/tool-testing';
import {
  type GatewaySubjects,
  gatewaySubjects,
  type RunningDataGateway,
  startDataGateway,
} from '../src/gateway';
import { gatewaySettingsFrom } from '../src/gateway-settings';
import { buildMarketDataChain, type MarketDataChain } from '../src/market-data-chain';
import { countingFailures } from '../src/market-data-metrics';

export const logger = createLogger({ service: 'data-gateway-test', level: 'warn' });

export function openPrisma(): PrismaClient {
  return createPrismaClient(testServices().databaseUrl);
}

export function connectTestBus(name: string): Promise<NatsBus> {
  return connectBus({ url: testServices().natsUrl, name, logger });
}

export interface GatewayInstance {
  readonly bus: NatsBus;
  readonly chain: MarketDataChain;
  readonly gateway: RunningDataGateway;
  stop(): Promise<void>;
}

export interface GatewayInstanceOptions {
  /** Environment as the process would see it (DATA__PROVIDERS, keys, DATA__ALPHA_VANTAGE_BASE_URL...). */
  readonly env?: Record<string, string>;
  readonly subjects: GatewaySubjects;
  /** L2 bucket (unique per test). */
  readonly bucket: string;
  readonly prisma: PrismaClient;
  readonly clock?: Clock;
  /** Wire the metrics as main.ts does (provider calls, rate-limit hits, failures). */
  readonly metrics?: TradingMetrics;
  /** Serve evidence from the configuration's sources as main.ts does (default: none, every kind unavailable). */
  readonly evidence?: boolean;
}

/** One gateway process as main.ts wires it: its own bus connection, the full chain, every service. */
export async function startGatewayInstance(options: GatewayInstanceOptions): Promise<GatewayInstance> {
  const env = { ...options.env, DATA__CACHE_BUCKET: options.bucket };
  const config = loadConfig({ env, envFile: null });
  const settings = gatewaySettingsFrom(config);
  const bus = await connectTestBus(uniqueName('data-gateway'));
  const chain = await buildMarketDataChain({
    config: settings.marketData,
    clock: options.clock ?? systemClock,
    logger,
    prisma: options.prisma,
    nats: bus.connection,
    metrics: options.metrics,
  });
  const gateway = await startDataGateway({
    bus,
    marketData: options.metrics ? countingFailures(chain.cached, options.metrics) : chain.cached,
    ...(options.evidence ? { evidence: evidenceSourceFromConfig(config) } : {}),
    logger,
    subjects: options.subjects,
  });
  return {
    bus,
    chain,
    gateway,
    async stop() {
      await gateway.stop();
      await chain.close();
      await bus.close();
    },
  };
}

/** Subjects no other test or concurrent run uses. */
export function testSubjects(): GatewaySubjects {
  return gatewaySubjects(uniqueName('dg'));
}
