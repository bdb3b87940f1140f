import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLlmClient, type StructuredLlmClient } from '../src/index';
import { DecisionBatchSchema, SYSTEM, VALID_ANSWER } from './support/decisions';
import { FakeLlmServer, fixture, openAiCompletion } from './support/fake-llm-server';
import { llmSettings } from './support/settings';

describe('OpenAI-compatible endpoint under a path prefix (Groq-style /openai/v1)', () => {
  let fake: FakeLlmServer;
  beforeEach(async () => {
    // Only the prefixed path answers: a request to /v1/chat/completions would get a 404.
    fake = await FakeLlmServer.start({ path: '/openai/v1/chat/completions' });
  });
  afterEach(async () => {
    await fake.close();
  });

  function client(): StructuredLlmClient {
    const built = createLlmClient(
      llmSettings({
        provider: 'openai-compatible',
        model: 'llama-3.3-70b-versatile',
        baseUrl: `${fake.origin}/openai/v1/`,
        openaiApiKey: undefined,
        groqApiKey: 'gsk-test',
      }),
      { retry: { baseDelayMs: 10, maxDelayMs: 50 } },
    );
    if (!built) throw new Error('expected a client');
    return built;
  }

  const ask = (llm: StructuredLlmClient, user: string) =>
    llm.complete({
      system: SYSTEM,
      user,
      schema: DecisionBatchSchema,
      schemaName: 'technical_decisions',
      temperature: 0,
      maxTokens: 400,
    });

  it('calls <base URL>/chat/completions with max_tokens and prices the Groq model', async () => {
    fake.enqueue(openAiCompletion(JSON.stringify(VALID_ANSWER), { prompt: 1000, completion: 100 }));
    const llm = client();
    const answer = await ask(llm, 'AAPL figures');

    expect(answer.value).toEqual(VALID_ANSWER);
    expect(fake.requests[0]?.path).toBe('/openai/v1/chat/completions');
    expect(fake.body(0)).toMatchObject({ model: 'llama-3.3-70b-versatile', max_tokens: 400 });
    expect(fake.body(0).max_completion_tokens).toBeUndefined();
    // llama-3.3-70b-versatile on Groq: $0.59 in / $0.79 out per 1M tokens.
    expect(answer.usage.costUsd).toBeCloseTo((1000 * 0.59 + 100 * 0.79) / 1e6, 12);
    expect(llm.providerId).toBe(`openai-compatible(${fake.origin.replace('http://', '')}/openai/v1)`);
  });

  it('falls back to json_object mode (schema in the prompt) once the endpoint rejects json_schema', async () => {
    fake.enqueue(
      { status: 400, body: fixture('openai-compatible-error-400-no-json-schema.json') },
      // JSON mode answers are sometimes fenced as Markdown; the fence is formatting, not a wrong answer.
      openAiCompletion(`\`\`\`json\n${JSON.stringify(VALID_ANSWER)}\n\`\`\``),
      openAiCompletion(JSON.stringify(VALID_ANSWER)),
    );
    const llm = client();
    const first = await ask(llm, 'first');
    const second = await ask(llm, 'second');

    expect(first.value).toEqual(VALID_ANSWER);
    expect(second.value).toEqual(VALID_ANSWER);
    expect(fake.requests).toHaveLength(3);
    expect(fake.body(0)).toMatchObject({ response_format: { type: 'json_schema' } });
    expect(fake.body(1)).toMatchObject({ response_format: { type: 'json_object' } });
    const system = fake.messages(1)[0]?.content as string;
    expect(system).toContain('JSON Schema (technical_decisions)');
    expect(system).toContain('"decisions"');
    // The switch is remembered: the next call goes straight to json_object.
    expect(fake.body(2)).toMatchObject({ response_format: { type: 'json_object' } });
    expect(llm.usage()).toMatchObject({ calls: 2, retries: 0, failures: 0 });
  });
});
