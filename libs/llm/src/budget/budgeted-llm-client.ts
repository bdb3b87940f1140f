import type { LlmClient, LlmRequest, LlmResponse } from '../types';
import type { LlmSpendLedger } from './llm-spend-ledger';

/**
 * An agent's LLM client under the run's budget: asks the shared ledger before each call (LlmBudgetExceededError,
 * no provider call, once a limit is reached) and books each answer's cost. Cached answers cost nothing.
 */
export class BudgetedLlmClient implements LlmClient {
  constructor(
    private readonly inner: LlmClient,
    private readonly ledger: LlmSpendLedger,
    private readonly labels: { readonly provider: string; readonly model: string },
  ) {}

  async complete<T>(request: LlmRequest<T>): Promise<LlmResponse<T>> {
    this.ledger.authorise(this.labels.provider, request.model ?? this.labels.model);
    const response = await this.inner.complete(request);
    this.ledger.record(response.usage.costUsd);
    return response;
  }
}
