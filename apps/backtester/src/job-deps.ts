import { type BacktestJobDeps, buildReasoner } from '@ats/backtest-jobs';
import type { NatsBus } from '@ats/bus';
import type { AppConfig } from '@ats/config';
import type { PrismaClient } from '@ats/db';
import { evidenceSourceFromConfig } from '@ats/evidence';
import { configuredLlmBudget } from '@ats/llm';
import { type MarketDataPort, openMarketDataPort } from '@ats/market-data';
import type { TradingMetrics } from '@ats/metrics';
import { SERVICE } from './defaults';
import type { CliOptions } from './options';
import type { JobDepsFactory } from './worker';

/**
 * Daily bars (and sentiment evidence) for every run through the market-data port: the data folder, then the download
 * cache, then a first-run download (DATA__*), in this process; or the data gateway's with DATA__MODE=distributed
 * (on `bus` when connected).
 */
export const openBars = (config: AppConfig, options: CliOptions, bus?: NatsBus): Promise<MarketDataPort> =>
  openMarketDataPort(config, {
    ...(bus ? { bus } : {}),
    ...(options.namespace ? { namespace: options.namespace } : {}),
    evidence: evidenceSourceFromConfig,
    connectionName: SERVICE,
  });

/** The reasoner for the job's llmProvider and, with --bus=nats, the agents reached as services. */
export function jobDepsFactory(
  options: CliOptions,
  config: AppConfig,
  prisma: PrismaClient | undefined,
  bus: NatsBus | undefined,
  metrics?: TradingMetrics,
): JobDepsFactory {
  return async (request) => {
    const llm = await buildReasoner(request.llmProvider, config.llm, {
      ...(prisma ? { prisma } : {}),
      ...(metrics ? { metrics } : {}),
      budget: configuredLlmBudget(config.llm, options.llmBudgetUsd),
    });
    const deps: Omit<BacktestJobDeps, 'bars' | 'onProgress'> = {
      strictData: options.strictData ?? false,
      reasoners: llm.reasoners,
      agentConfigs: llm.agents,
      llmUsage: llm.usage,
      // The memorisation probe's second team: the same clients behind the anonymiser.
      ...(request.anonymise ? { anonymised: llm.anonymised(request.symbols) } : {}),
      risk: config.trading.risk,
      // Imported only for agents over the bus: it loads the RPC proxies, and through them Prisma and pg.
      ...(bus
        ? {
            agents: (await import('./remote-agents')).remoteAgents(bus, request, {
              remote: options.remoteAgents,
              ...(options.namespace ? { namespace: options.namespace } : {}),
            }),
          }
        : {}),
    };
    return deps;
  };
}
