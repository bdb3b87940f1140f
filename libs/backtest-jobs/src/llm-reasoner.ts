import { meteredLlmClient } from '@ats/agent-rpc';
import type { Reasoner } from '@ats/agents';
import type { LlmUsage } from '@ats/backtest';
import type { PrismaClient } from '@ats/db';
import {
  buildSharedReasoner,
  type LlmClientDeps,
  type LlmProviderChoice,
  type LlmSettings,
  type LlmUsageTotals,
} from '@ats/llm';
import type { TradingMetrics } from '@ats/metrics';

export type { LlmProviderChoice };

export interface BacktestReasoner {
  readonly reasoner: Reasoner;
  /** Cumulative usage of the reasoner's client (zero for the offline reasoner). */
  readonly usage: () => LlmUsage;
  /** Where answers are cached: `postgres`, `memory` or `none` (offline). */
  readonly cache: 'postgres' | 'memory' | 'none';
}

/**
 * The agents' reasoner for a backtest: the rules alone (`offline`), or the configured LLM provider with its
 * response cache in Postgres when a migrated database is at hand (reruns then cost nothing), in memory otherwise.
 * `provider` (the --llm flag) overrides LLM__PROVIDER; model, keys, base URL and cache mode come from LLM__*.
 * Built by @ats/llm's buildSharedReasoner, the code the orchestrator's embedded team uses too.
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
  const { metrics } = deps;
  const built = await buildSharedReasoner(provider, settings, {
    ...deps,
    ...(metrics ? { wrap: (client, labels) => meteredLlmClient(client, metrics, labels) } : {}),
  });
  return { reasoner: built.reasoner, usage: () => toBacktestUsage(built.usage()), cache: built.cache };
}

function toBacktestUsage(totals: LlmUsageTotals): LlmUsage {
  return {
    calls: totals.calls,
    promptTokens: totals.promptTokens,
    completionTokens: totals.completionTokens,
    costUsd: totals.costUsd,
    cachedCalls: totals.cachedCalls,
  };
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
