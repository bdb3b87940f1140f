import type { LlmClient, LlmRequest } from '@ats/agents';
import { createServiceRegistry, parseExposition, registerTradingMetrics, sampleSum } from '@ats/metrics';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { meteredLlmClient } from './metered-llm-client';

const request: LlmRequest<{ ok: boolean }> = {
  system: 's',
  user: 'u',
  schema: z.object({ ok: z.boolean() }),
  schemaName: 'answer',
  temperature: 0,
  maxTokens: 50,
};

describe('meteredLlmClient', () => {
  it('counts provider answers, cache answers and failures with their tokens and cost', async () => {
    const registry = createServiceRegistry({ service: 'agent', processMetrics: false });
    const metrics = registerTradingMetrics(registry);
    const answers = [
      {
        value: { ok: true },
        usage: { promptTokens: 120, completionTokens: 30, costUsd: 0.002 },
        cached: false,
      },
      { value: { ok: true }, usage: { promptTokens: 0, completionTokens: 0, costUsd: 0 }, cached: true },
    ];
    const inner: LlmClient = {
      async complete<T>() {
        const next = answers.shift();
        if (!next) throw new TypeError('provider down');
        return next as never as { value: T; usage: typeof next.usage; cached: boolean };
      },
    };
    const client = meteredLlmClient(inner, metrics, { provider: 'openai', model: 'gpt-x' });
    await client.complete(request);
    await client.complete({ ...request, model: 'gpt-y' });
    await expect(client.complete(request)).rejects.toThrow('provider down');
    const samples = parseExposition(await registry.metrics());
    const calls = (labels: Record<string, string>) => sampleSum(samples, 'ats_llm_calls_total', labels);
    expect(calls({ model: 'gpt-x', outcome: 'ok' })).toBe(1);
    expect(calls({ model: 'gpt-y', outcome: 'cached' })).toBe(1);
    expect(calls({ model: 'gpt-x', outcome: 'error' })).toBe(1);
    expect(sampleSum(samples, 'ats_llm_tokens_total', { kind: 'prompt' })).toBe(120);
    expect(sampleSum(samples, 'ats_llm_tokens_total', { kind: 'completion' })).toBe(30);
    expect(sampleSum(samples, 'ats_llm_cost_usd_total', { provider: 'openai' })).toBeCloseTo(0.002, 12);
    expect(sampleSum(samples, 'ats_errors_total', { component: 'llm', kind: 'TypeError' })).toBe(1);
  });
});
