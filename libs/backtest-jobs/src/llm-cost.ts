import { type AgentTeamConfigInput, type AgentTeamDeps, DEFAULT_AGENT_CONFIGS } from '@ats/agents';
import { periodKey } from '@ats/backtest';
import type { AgentName, BacktestRequest } from '@ats/contracts';
import { type EstimatedAgent, estimateLlmCost, type LlmCostEstimate } from '@ats/llm';
import { ablationVariants } from './research';

/** Start of the note libs/agents gives a decision the LLM budget left to the rules (LlmBudgetExceededError). */
const BUDGET_STOP_NOTE = 'LLM budget per';

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
  const agents: Record<string, EstimatedAgent> = {};
  for (const [name, reasoner] of Object.entries(team.reasoners ?? {}) as [AgentName, { kind: string }][]) {
    if (reasoner?.kind !== 'llm') continue;
    const config = team.agentConfigs?.[name] ?? DEFAULT_AGENT_CONFIGS[name];
    agents[name] = { model: config.model, maxTokens: config.maxTokens };
  }
  if (Object.keys(agents).length === 0) return undefined;
  return estimateLlmCost({
    agents,
    decisionTimes: decisionTimeCount(request, barTimes),
    // The full team, each attribution variant, and the memorisation probe's anonymised run.
    runs: 1 + (request.attribution ? ablationVariants(request).length : 0) + (request.anonymise ? 1 : 0),
    symbols: request.symbols.length,
  });
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
  const first = degraded.find((d) => d.note.includes(BUDGET_STOP_NOTE));
  return first ? { ts: first.ts, variant: first.variant } : undefined;
}
