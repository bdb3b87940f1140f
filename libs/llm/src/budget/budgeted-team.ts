import type { AgentName } from '@ats/contracts';
import { type TeamReasoners, wrapLlmClients } from '../team-reasoners';
import { BudgetedLlmClient } from './budgeted-llm-client';
import { type EstimatedAgent, estimateLlmCost, type LlmCostEstimate } from './llm-cost-estimate';
import type { LlmSpendLedger } from './llm-spend-ledger';

/**
 * The team's reasoners with every LLM agent's client under one spend ledger (a run's budget): a refused call makes
 * no provider request and the agent decides by its rules. Offline agents stay as they are. Usage and cache are the
 * team's own: the wrapper only asks the ledger first and books each answer's cost.
 */
export function budgetedTeam(team: TeamReasoners, ledger: LlmSpendLedger, provider: string): TeamReasoners {
  const reasoners = wrapLlmClients(
    team.reasoners,
    (client, agent) => new BudgetedLlmClient(client, ledger, { provider, model: team.agents[agent].model }),
  );
  return { ...team, reasoners };
}

/**
 * The upper-bound estimate of a team's LLM use: each agent with an LLM reasoner, at its own model and token limit,
 * asked once per decision time of each run. Undefined when no agent asks a model.
 */
export function estimateTeamLlmCost(
  team: {
    readonly reasoners: Partial<Record<AgentName, { readonly kind: string }>>;
    readonly agents: Partial<Record<AgentName, EstimatedAgent>>;
  },
  shape: { readonly decisionTimes: number; readonly runs: number; readonly symbols: number },
): LlmCostEstimate | undefined {
  const agents: Record<string, EstimatedAgent> = {};
  for (const [name, reasoner] of Object.entries(team.reasoners) as [AgentName, { kind: string }][]) {
    const config = team.agents[name];
    if (reasoner?.kind !== 'llm' || !config) continue;
    agents[name] = { model: config.model, maxTokens: config.maxTokens };
  }
  if (Object.keys(agents).length === 0) return undefined;
  return estimateLlmCost({ agents, ...shape });
}
