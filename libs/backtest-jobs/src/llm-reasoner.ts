import { meteredLlmClient } from '@ats/agent-rpc';
import type { LlmUsage } from '@ats/backtest';
import { type Clock, systemClock } from '@ats/contracts';
import type { PrismaClient } from '@ats/db';
import {
  type AnonymisedAlias,
  AnonymisingLlmClient,
  BudgetedLlmClient,
  buildTeamReasoners,
  COMPANY_NAMES,
  type LlmBudget,
  type LlmBudgetStop,
  type LlmClientDeps,
  type LlmProviderChoice,
  type LlmSettings,
  type LlmUsageTotals,
  openRunSpendLedger,
  PromptAnonymiser,
  type TeamReasoners,
  wrapLlmClients,
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
  /** The run's LLM spend limits and whether they stopped LLM use. */
  readonly budget: BacktestLlmBudget;
  /**
   * The same reasoners for the memorisation probe: every LLM agent's prompt anonymised (the run's symbols and the
   * data set's known tickers → neutral ids, company names removed, dates shifted), answers mapped back. Same
   * clients, so the same cache, budget and usage counters; offline agents stay offline.
   */
  anonymised(symbols: readonly string[]): AnonymisedReasoners;
}

export interface AnonymisedReasoners {
  readonly reasoners: TeamReasoners['reasoners'];
  readonly dateShiftDays: number;
  readonly aliases: readonly AnonymisedAlias[];
}

export interface BacktestLlmBudget {
  readonly limits: LlmBudget;
  /**
   * Where the day's spend before this run comes from: `postgres` (the answer cache's costs since 00:00 UTC, every
   * process sharing the database) or `process` (no database: this run's spend only).
   */
  readonly dayCounter: 'postgres' | 'process';
  /** The first refused call, once a limit is reached. */
  stop(): LlmBudgetStop | undefined;
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
    /** Hard spend limits (--llm-budget-usd, LLM__BUDGET_USD_PER_*); none when absent. */
    readonly budget?: LlmBudget;
    readonly clock?: Clock;
  } = {},
): Promise<BacktestReasoners> {
  const { metrics, budget = {}, clock = systemClock } = deps;
  // One ledger for the team: every agent's client books into it and is refused by it.
  const { ledger, dayCounter } = await openRunSpendLedger(budget, {
    ...(deps.prisma ? { prisma: deps.prisma } : {}),
    clock,
  });
  const built = await buildTeamReasoners(provider, settings, {
    ...(deps.prisma ? { prisma: deps.prisma } : {}),
    ...(deps.client ? { client: deps.client } : {}),
    // The budget outermost: a refused call never reaches the provider nor counts as its failure.
    wrap: (client, labels) =>
      new BudgetedLlmClient(metrics ? meteredLlmClient(client, metrics, labels) : client, ledger, labels),
  });
  return {
    reasoners: built.reasoners,
    agents: built.agents,
    usage: () => toBacktestUsage(built.usage()),
    cache: built.cache,
    budget: {
      limits: budget,
      dayCounter,
      stop: () => ledger.stop,
    },
    anonymised: (symbols) => anonymisedReasoners(built.reasoners, symbols),
  };
}

/**
 * The team's reasoners behind one anonymiser: the run's symbols and every ticker the data set knows become neutral
 * ids (a headline about a competitor must not name it either).
 */
export function anonymisedReasoners(
  reasoners: TeamReasoners['reasoners'],
  symbols: readonly string[],
): AnonymisedReasoners {
  const anonymiser = new PromptAnonymiser({ symbols: [...symbols, ...Object.keys(COMPANY_NAMES)] });
  return {
    reasoners: wrapLlmClients(reasoners, (client) => new AnonymisingLlmClient(client, anonymiser)),
    dateShiftDays: anonymiser.dateShiftDays,
    aliases: anonymiser.aliases,
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
