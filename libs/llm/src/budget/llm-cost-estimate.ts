import { MODEL_PRICES, type ModelPrice, priceOf } from '../prices';

/**
 * Prompt size of one agent call, averaged over the four agents: measured on January 2023 (1, 2 and 9 symbols) at
 * about 2,000 characters plus 1,700 per symbol (the sentiment agent's evidence is most of it), counted at 3
 * characters per token (JSON with figures; more tokens than the usual 4, so the estimate stays an upper bound).
 * The real count comes back with each answer.
 */
export const ESTIMATED_PROMPT_TOKENS_PER_CALL = 700;
export const ESTIMATED_PROMPT_TOKENS_PER_SYMBOL = 600;

/** What one agent asks its model for: the model prices it, maxTokens bounds its answer. */
export interface EstimatedAgent {
  readonly model: string;
  readonly maxTokens: number;
}

export interface LlmCostEstimateInput {
  /** The agents that ask a model, each with its own model and token limit. */
  readonly agents: Readonly<Record<string, EstimatedAgent>>;
  /** Decision (rebalance) times of one run. */
  readonly decisionTimes: number;
  /** Runs of the job: the full team plus each attribution variant. */
  readonly runs: number;
  readonly symbols: number;
}

/** An upper bound: every call reaches the provider (cache hits cost nothing) and every answer uses maxTokens. */
export interface LlmCostEstimate {
  readonly calls: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly costUsd: number;
  /** Models without a price in the table (their calls counted at $0). */
  readonly unpricedModels: readonly string[];
}

/** Calls = agents × decision times × runs (each agent asks once per decision time, all symbols in one batch). */
export function estimateLlmCost(
  input: LlmCostEstimateInput,
  table: Readonly<Record<string, ModelPrice>> = MODEL_PRICES,
): LlmCostEstimate {
  const callsPerAgent = input.decisionTimes * input.runs;
  const promptPerCall = ESTIMATED_PROMPT_TOKENS_PER_CALL + ESTIMATED_PROMPT_TOKENS_PER_SYMBOL * input.symbols;
  let calls = 0;
  let promptTokens = 0;
  let completionTokens = 0;
  let costUsd = 0;
  const unpriced = new Set<string>();
  for (const agent of Object.values(input.agents)) {
    const prompt = promptPerCall * callsPerAgent;
    const completion = agent.maxTokens * callsPerAgent;
    calls += callsPerAgent;
    promptTokens += prompt;
    completionTokens += completion;
    const price = priceOf(agent.model, table);
    if (price) costUsd += (prompt * price.inputPerMTokUsd + completion * price.outputPerMTokUsd) / 1_000_000;
    else unpriced.add(agent.model);
  }
  return { calls, promptTokens, completionTokens, costUsd, unpricedModels: [...unpriced] };
}

/** One line for the console, stated as the upper bound it is. */
export function describeLlmCostEstimate(estimate: LlmCostEstimate): string {
  const unpriced =
    estimate.unpricedModels.length > 0
      ? `; unpriced (counted $0): ${estimate.unpricedModels.join(', ')}`
      : '';
  return (
    `LLM estimate (upper bound: cache hits cost nothing, answers at max tokens): ${estimate.calls} calls, ` +
    `${estimate.promptTokens} prompt + ${estimate.completionTokens} completion tokens, ` +
    `$${estimate.costUsd.toFixed(4)}${unpriced}`
  );
}
