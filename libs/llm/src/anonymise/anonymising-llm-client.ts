import type { LlmClient, LlmRequest, LlmResponse } from '../types';
import type { PromptAnonymiser } from './prompt-anonymiser';

/**
 * An agent's LLM client for the memorisation probe: the prompt reaches the model anonymised (neutral ids for
 * tickers and company names, shifted dates) and the answer comes back in the run's terms, validated again against
 * the request's schema. Everything else (cache, budget, retries) is the wrapped client's: the anonymised prompt
 * is cached under its own key, so the named run's answers are never reused.
 */
export class AnonymisingLlmClient implements LlmClient {
  constructor(
    private readonly inner: LlmClient,
    private readonly anonymiser: PromptAnonymiser,
  ) {}

  async complete<T>(request: LlmRequest<T>): Promise<LlmResponse<T>> {
    const answer = await this.inner.complete({
      ...request,
      system: this.anonymiser.anonymise(request.system),
      user: this.anonymiser.anonymise(request.user),
    });
    return { ...answer, value: request.schema.parse(this.anonymiser.restore(answer.value)) };
  }
}
