import { LlmError } from '../errors';

/** Which hard limit stopped LLM use: this run's spend or the current UTC day's. */
export type LlmBudgetKind = 'run' | 'day';

/**
 * How every budget refusal's message starts: an agent that fell back to its rules because of it carries the
 * message in its degraded note, by which runs tell a budget stop from a failure.
 */
export const LLM_BUDGET_STOP_PREFIX = 'LLM budget per';

/**
 * The LLM budget is spent: no provider call was made. Agents treat it like an unavailable model (their rule-based
 * decisions stand) but must not retry: every retry would be refused the same way.
 */
export class LlmBudgetExceededError extends LlmError {
  constructor(
    provider: string,
    model: string,
    readonly budget: LlmBudgetKind,
    readonly limitUsd: number,
    readonly spentUsd: number,
  ) {
    super(
      `${LLM_BUDGET_STOP_PREFIX} ${budget} reached: $${spentUsd.toFixed(4)} spent of $${limitUsd.toFixed(4)}; no ${provider} ${model} call made`,
      provider,
      model,
    );
    this.name = 'LlmBudgetExceededError';
  }
}
