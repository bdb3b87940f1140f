import type { LlmClient, LlmRequest, LlmResponse } from '@ats/agents';
import { recordLlmCall, type TradingMetrics } from '@ats/metrics';

/** Labels of the reasoning behind an agent: the configured LLM, or the rules when none is configured. */
export interface ReasonerLabels {
  readonly provider: string;
  readonly model: string;
}

/** What the agents run on when LLM__PROVIDER is offline: their explicit rules. */
export const RULES_REASONER_LABELS: ReasonerLabels = { provider: 'offline', model: 'rules' };

/**
 * The same LLM client, with every completion counted: calls by outcome (`cached` for cache answers, which spend
 * nothing), tokens by kind and estimated cost, and failures under `ats_errors_total{component="llm"}`. A request
 * that names its own model is labelled with that model.
 */
export function meteredLlmClient(
  client: LlmClient,
  metrics: TradingMetrics,
  labels: ReasonerLabels,
): LlmClient {
  return {
    async complete<T>(request: LlmRequest<T>): Promise<LlmResponse<T>> {
      const call = { provider: labels.provider, model: request.model ?? labels.model };
      try {
        const response = await client.complete(request);
        recordLlmCall(metrics, {
          ...call,
          outcome: response.cached ? 'cached' : 'ok',
          promptTokens: response.usage.promptTokens,
          completionTokens: response.usage.completionTokens,
          costUsd: response.usage.costUsd,
        });
        return response;
      } catch (error) {
        recordLlmCall(metrics, { ...call, outcome: 'error' });
        metrics.errors.inc({ component: 'llm', kind: error instanceof Error ? error.name : 'Error' });
        throw error;
      }
    },
  };
}
