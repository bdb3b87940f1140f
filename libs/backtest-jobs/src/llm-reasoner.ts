import { meteredLlmClient } from '@ats/agent-rpc';
import type { LlmUsage } from '@ats/backtest';
import type { PrismaClient } from '@ats/db';
import {
  buildTeamReasoners,
  type LlmClientDeps,
  type LlmProviderChoice,
  type LlmSettings,
  type LlmUsageTotals,
  type TeamReasoners,
} from '@ats/llm';
import type { TradingMetrics } from '@ats/metrics';

export type { LlmProviderChoice };

/** The team's reasoners for a backtest: one per agent, with what each asks its model for. */
export interface BacktestReasoners {
  /** Each agent's reasoner (all offline for the rules). */
  readonly reasoners: TeamReasoners['reasoners'];
  /** Each agent's model, temperature, token limit, timeout and retries (LLM__<AGENT>__* over LLM__*). */
  readonly agents: TeamReasoners['agents'];
  /** Cumulative usage of the agents' clients together (zero for the offline reasoner). */
  readonly usage: () => LlmUsage;
  /** Where answers are cached: `postgres`, `memory` or `none` (offline). */
  readonly cache: TeamReasoners['cache'];
}

/**
 * The agents' reasoners for a backtest: the rules alone (`offline`), or the configured LLM provider with one client
 * per agent (LLM__<AGENT>__MODEL, temperature, tokens, timeout, retries over LLM__*), all sharing one response
 * cache, in Postgres when a migrated database is at hand (reruns then cost nothing), in memory otherwise.
 * `provider` (the --llm flag) overrides LLM__PROVIDER. Built by @ats/llm's buildTeamReasoners, as the
 * orchestrator's embedded team is.
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
): Promise<BacktestReasoners> {
  const { metrics } = deps;
  const built = await buildTeamReasoners(provider, settings, {
    ...deps,
    ...(metrics ? { wrap: (client, labels) => meteredLlmClient(client, metrics, labels) } : {}),
  });
  return {
    reasoners: built.reasoners,
    agents: built.agents,
    usage: () => toBacktestUsage(built.usage()),
    cache: built.cache,
  };
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
