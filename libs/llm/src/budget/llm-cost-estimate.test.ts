import { describe, expect, it } from 'vitest';
import {
  describeLlmCostEstimate,
  ESTIMATED_PROMPT_TOKENS_PER_CALL,
  ESTIMATED_PROMPT_TOKENS_PER_SYMBOL,
  estimateLlmCost,
} from './llm-cost-estimate';

describe('estimateLlmCost', () => {
  it('prices agents × decision times × runs calls, each agent at its own model and token limit', () => {
    const estimate = estimateLlmCost({
      agents: {
        technical: { model: 'gpt-4o-mini', maxTokens: 500 },
        risk: { model: 'gpt-4o', maxTokens: 1000 },
        local: { model: 'llama-local', maxTokens: 100 },
      },
      decisionTimes: 5,
      runs: 2,
      symbols: 3,
    });
    const prompt = ESTIMATED_PROMPT_TOKENS_PER_CALL + 3 * ESTIMATED_PROMPT_TOKENS_PER_SYMBOL;
    expect(estimate.calls).toBe(30);
    expect(estimate.promptTokens).toBe(30 * prompt);
    expect(estimate.completionTokens).toBe(10 * (500 + 1000 + 100));
    // gpt-4o-mini $0.15 / $0.60, gpt-4o $2.50 / $10 per 1M tokens; the local model is unpriced.
    const mini = (10 * prompt * 0.15 + 10 * 500 * 0.6) / 1e6;
    const big = (10 * prompt * 2.5 + 10 * 1000 * 10) / 1e6;
    expect(estimate.costUsd).toBeCloseTo(mini + big, 12);
    expect(estimate.unpricedModels).toEqual(['llama-local']);
    expect(describeLlmCostEstimate(estimate)).toContain('upper bound');
  });
});
