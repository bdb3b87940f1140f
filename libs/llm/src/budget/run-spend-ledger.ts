import type { Clock } from '@ats/contracts';
import type { PrismaClient } from '@ats/db';
import type { LlmSettings } from '../create-llm-client';
import { dailyLlmSpendUsd } from './daily-llm-spend';
import { type LlmBudget, LlmSpendLedger } from './llm-spend-ledger';

/** The configured limits (LLM__BUDGET_USD_PER_RUN / _PER_DAY); `perRunUsd` (a flag or a request) wins over the first. */
export function configuredLlmBudget(
  llm: Pick<LlmSettings, 'budgetUsdPerRun' | 'budgetUsdPerDay'>,
  perRunUsd?: number,
): LlmBudget {
  const run = perRunUsd ?? llm.budgetUsdPerRun;
  return {
    ...(run === undefined ? {} : { perRunUsd: run }),
    ...(llm.budgetUsdPerDay === undefined ? {} : { perDayUsd: llm.budgetUsdPerDay }),
  };
}

/** One run's spend ledger, and where the day's spend before the run came from. */
export interface RunSpendLedger {
  readonly ledger: LlmSpendLedger;
  /**
   * `postgres`: the answer cache's costs since 00:00 UTC, every process sharing the database; `process`: this run's
   * spend only (no day limit, no database, or one without the cache table).
   */
  readonly dayCounter: 'postgres' | 'process';
}

/**
 * The ledger every agent client of one run (backtest or paper run) books into: with a day limit and a database, it
 * starts from what the Postgres answer cache says was spent today before the run.
 */
export async function openRunSpendLedger(
  budget: LlmBudget,
  deps: { readonly prisma?: PrismaClient; readonly clock: Clock },
): Promise<RunSpendLedger> {
  const spentTodayBeforeUsd =
    budget.perDayUsd !== undefined && deps.prisma
      ? await dailyLlmSpendUsd(deps.prisma, deps.clock).catch(() => undefined)
      : undefined;
  const ledger = new LlmSpendLedger({
    budget,
    clock: deps.clock,
    ...(spentTodayBeforeUsd === undefined ? {} : { spentTodayBeforeUsd }),
  });
  return { ledger, dayCounter: spentTodayBeforeUsd === undefined ? 'process' : 'postgres' };
}
