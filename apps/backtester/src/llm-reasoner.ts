import { meteredLlmClient } from '@ats/agent-rpc';
import type { Reasoner } from '@ats/agents';
import type { LlmUsage } from '@ats/backtest';
import type { PrismaClient } from '@ats/db';
import { createLlmClient, type LlmClientDeps, type LlmSettings, type StructuredLlmClient } from '@ats/llm';
import type { TradingMetrics } from '@ats/metrics';

export type LlmProviderChoice = 'offline' | LlmSettings['provider'];

export interface BacktestReasoner {
  readonly reasoner: Reasoner;
  /** Cumulative usage of the reasoner's client (zero for the offline reasoner). */
  readonly usage: () => LlmUsage;
  /** Where answers are cached: `postgres`, `memory` or `none` (offline). */
  readonly cache: 'postgres' | 'memory' | 'none';
}

const ZERO_USAGE: LlmUsage = { calls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0, cachedCalls: 0 };

/**
 * The agents' reasoner for a backtest: the rules alone (`offline`), or the configured LLM provider with its
 * response cache in Postgres when a migrated database is at hand (reruns then cost nothing), in memory otherwise.
 * `provider` (the --llm flag) overrides LLM__PROVIDER; model, keys, base URL and cache mode come from LLM__*.
 */
export async function buildReasoner(
  provider: LlmProviderChoice,
  settings: LlmSettings,
  deps: {
    readonly prisma?: PrismaClient;
    readonly client?: Omit<LlmClientDeps, 'prisma' | 'cacheStore'>;
    /** Each completion counted (calls, tokens, cost, failures) when given: the worker's registry. */
    readonly metrics?: TradingMetrics;
  } = {},
): Promise<BacktestReasoner> {
  if (provider === 'offline')
    return { reasoner: { kind: 'offline' }, usage: () => ZERO_USAGE, cache: 'none' };
  const prisma = deps.prisma && (await hasCacheTable(deps.prisma)) ? deps.prisma : undefined;
  const client = createLlmClient(
    { ...settings, provider },
    { ...deps.client, ...(prisma ? { prisma } : {}) },
  ) as StructuredLlmClient;
  const labels = { provider, model: settings.model ?? provider };
  return {
    // Usage for the report is read from the inner client; the metered wrapper only adds counters.
    reasoner: { kind: 'llm', client: deps.metrics ? meteredLlmClient(client, deps.metrics, labels) : client },
    usage: () => toBacktestUsage(client.usage()),
    cache: settings.cacheMode === 'off' ? 'none' : prisma ? 'postgres' : 'memory',
  };
}

function toBacktestUsage(totals: ReturnType<StructuredLlmClient['usage']>): LlmUsage {
  return {
    calls: totals.calls,
    promptTokens: totals.promptTokens,
    completionTokens: totals.completionTokens,
    costUsd: totals.costUsd,
    cachedCalls: totals.cachedCalls,
  };
}

/** A database without migrations has no cache table; every lookup would fail and degrade the agents. */
async function hasCacheTable(prisma: PrismaClient): Promise<boolean> {
  try {
    await prisma.llmCacheEntry.findFirst({ select: { key: true } });
    return true;
  } catch {
    return false;
  }
}

/** Usage of one run out of a cumulative counter (the attribution runs share the client). */
export function usageSince(counter: () => LlmUsage): () => LlmUsage {
  const start = counter();
  return () => {
    const now = counter();
    return {
      calls: now.calls - start.calls,
      promptTokens: now.promptTokens - start.promptTokens,
      completionTokens: now.completionTokens - start.completionTokens,
      costUsd: now.costUsd - start.costUsd,
      cachedCalls: now.cachedCalls - start.cachedCalls,
    };
  };
}
