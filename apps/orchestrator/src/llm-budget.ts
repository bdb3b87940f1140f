import type { Clock } from '@ats/contracts';
import type { PrismaClient } from '@ats/db';
import {
  budgetedTeam,
  estimateTeamLlmCost,
  type LlmBudget,
  type LlmCostEstimate,
  type LlmSpendLedger,
  openRunSpendLedger,
  type TeamReasoners,
} from '@ats/llm';

/** A paper run's embedded LLM team under the run's spend limits. */
export interface PaperRunLlm {
  /** The process's reasoners (one answer cache) behind this run's ledger. */
  readonly reasoners: TeamReasoners;
  readonly ledger: LlmSpendLedger;
  readonly limits: LlmBudget;
  /** The upper bound of the run's LLM use: each LLM agent once per cycle, all symbols in one call. */
  estimate(symbols: number, cycles: number): LlmCostEstimate | undefined;
}

/**
 * Puts one paper run's embedded LLM agents under its budget: per run (`perRunUsd`) and per UTC day (`perDayUsd`,
 * counting what the Postgres answer cache says was spent today before the run). Once a limit is reached the
 * agents decide by their rules for the rest of the run, as a backtest does. Undefined for an offline team.
 */
export async function paperRunLlm(
  base: TeamReasoners | undefined,
  provider: string,
  limits: LlmBudget,
  deps: { readonly prisma?: PrismaClient; readonly clock: Clock },
): Promise<PaperRunLlm | undefined> {
  if (!base) return undefined;
  const { ledger } = await openRunSpendLedger(limits, deps);
  return {
    reasoners: budgetedTeam(base, ledger, provider),
    ledger,
    limits,
    estimate: (symbols, cycles) => estimateTeamLlmCost(base, { decisionTimes: cycles, runs: 1, symbols }),
  };
}
