import { type AgentTeamConfigInput, type AgentTeamDeps, DEFAULT_AGENT_CONFIGS } from '@ats/agents';
import { periodKey } from '@ats/backtest';
import type { AgentName, BacktestRequest } from '@ats/contracts';
import { estimateTeamLlmCost, LLM_BUDGET_STOP_PREFIX, type LlmCostEstimate } from '@ats/llm';
import { ablationVariants } from './research';

/** The decision time from which the budget left the decisions to the rules, and in which run. */
export interface LlmBudgetStopTime {
  readonly ts: string;
  readonly variant: string;
}

/**
 * The pre-run estimate of a backtest's LLM use: the agents with an LLM reasoner, each at its own model, asked once
 * per decision time (rebalance times from `start` on the run's bar times) in the full run, each attribution
 * variant and the anonymised run of the memorisation probe. Undefined when no agent asks a model.
 */
export function backtestLlmEstimate(
  request: BacktestRequest,
  barTimes: readonly string[],
  team: {
    readonly reasoners?: AgentTeamDeps['reasoners'];
    readonly agentConfigs?: AgentTeamConfigInput['agents'];
  },
): LlmCostEstimate | undefined {
  if (request.strategy !== 'multi-agent') return undefined;
  return estimateTeamLlmCost(
    {
      reasoners: team.reasoners ?? {},
      agents: Object.fromEntries(
        (Object.keys(DEFAULT_AGENT_CONFIGS) as AgentName[]).map((name) => [
          name,
          team.agentConfigs?.[name] ?? DEFAULT_AGENT_CONFIGS[name],
        ]),
      ),
    },
    {
      decisionTimes: decisionTimeCount(request, barTimes),
      // The full team, each attribution variant, and the memorisation probe's anonymised run.
      runs: 1 + (request.attribution ? ablationVariants(request).length : 0) + (request.anonymise ? 1 : 0),
      symbols: request.symbols.length,
    },
  );
}

/** Rebalance times of the run: the first bar time of each period (day, ISO week, month) from `start` on. */
export function decisionTimeCount(request: BacktestRequest, barTimes: readonly string[]): number {
  const tradeFrom = `${request.start}T00:00:00.000Z`;
  const periods = new Set<number>();
  for (const ts of barTimes) if (ts >= tradeFrom) periods.add(periodKey(ts, request.rebalance));
  return periods.size;
}

/** The first decision time (runs in order) whose agents were refused by the LLM budget. */
export function budgetStopTime(
  degraded: readonly { readonly variant: string; readonly ts: string; readonly note: string }[],
): LlmBudgetStopTime | undefined {
  const first = degraded.find((d) => d.note.includes(LLM_BUDGET_STOP_PREFIX));
  return first ? { ts: first.ts, variant: first.variant } : undefined;
}
