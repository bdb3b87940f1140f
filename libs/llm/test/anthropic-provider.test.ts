import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLlmClient, LlmHttpError, LlmSchemaError, type StructuredLlmClient } from '../src/index';
import { DecisionBatchSchema, INVALID_ANSWER, SYSTEM, VALID_ANSWER } from './support/decisions';
import { anthropicToolUse, FakeLlmServer, fixture } from './support/fake-llm-server';
import { llmSettings } from './support/settings';

const SCHEMA_NAME = 'technical_decisions';

describe('Anthropic messages with a forced tool through the official SDK against a loopback fake', () => {
  let fake: FakeLlmServer;
  beforeEach(async () => {
    fake = await FakeLlmServer.start({
      path: '/v1/messages',
      notFoundBody: { type: 'error', error: { type: 'not_found_error', message: 'Not found' } },
    });
  });
  afterEach(async () => {
    await fake.close();
  });

  function client(overrides: Parameters<typeof llmSettings>[0] = {}): StructuredLlmClient {
    const built = createLlmClient(
      llmSettings({ provider: 'anthropic', model: 'claude-haiku-4-5', baseUrl: fake.origin, ...overrides }),
      { retry: { baseDelayMs: 10, maxDelayMs: 50 }, random: () => 0.5 },
    );
    if (!built) throw new Error('expected a client');
    return built;
  }

  const ask = (llm: StructuredLlmClient) =>
    llm.complete({
      system: SYSTEM,
      user: 'AAPL: RSI 28, close above SMA200',
      schema: DecisionBatchSchema,
      schemaName: SCHEMA_NAME,
      temperature: 0,
      maxTokens: 500,
    });

  it('forces the answer tool and reads the tool_use input, with tokens and cost from usage', async () => {
    fake.enqueue(anthropicToolUse(SCHEMA_NAME, VALID_ANSWER, { input: 472, output: 89 }));
    const llm = client();
    const answer = await ask(llm);

    expect(answer.value).toEqual(VALID_ANSWER);
    // claude-haiku-4-5: $1 in / $5 out per 1M tokens.
    expect(answer.usage).toEqual({
      promptTokens: 472,
      completionTokens: 89,
      costUsd: (472 * 1 + 89 * 5) / 1e6,
    });
    // SDK 1.14 sends the key as a bearer token (older versions used x-api-key).
    const headers = fake.requests[0]?.headers ?? {};
    expect(headers['x-api-key'] ?? headers.authorization).toMatch(/^(Bearer )?sk-ant-test$/);
    expect(fake.requests[0]?.headers['anthropic-version']).toBeDefined();
    expect(fake.body(0)).toMatchObject({
      model: 'claude-haiku-4-5',
      max_tokens: 500,
      system: SYSTEM,
      messages: [{ role: 'user', content: 'AAPL: RSI 28, close above SMA200' }],
      tools: [
        { name: SCHEMA_NAME, input_schema: { type: 'object', properties: { decisions: { type: 'array' } } } },
      ],
      tool_choice: { type: 'tool', name: SCHEMA_NAME },
    });
  });

  it('retries a rate_limit_error 429 after its retry-after and an overloaded_error 529', async () => {
    fake.enqueue(
      { status: 429, headers: { 'retry-after': '1' }, body: fixture('anthropic-error-429.json') },
      { status: 529, body: fixture('anthropic-error-529.json') },
      anthropicToolUse(SCHEMA_NAME, VALID_ANSWER),
    );
    const llm = client();
    const answer = await ask(llm);

    expect(answer.value).toEqual(VALID_ANSWER);
    expect(fake.requests).toHaveLength(3);
    const waitedMs = (fake.requests[1]?.receivedAtMs ?? 0) - (fake.requests[0]?.receivedAtMs ?? 0);
    expect(waitedMs).toBeGreaterThanOrEqual(950);
    expect(llm.usage()).toMatchObject({ requests: 3, retries: 2, failures: 0 });
  });

  it('reports the error type and request id from the Anthropic error body', async () => {
    fake.enqueue({ status: 529, body: fixture('anthropic-error-529.json') });
    const failure = await ask(client({ retryAttempts: 0 })).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(LlmHttpError);
    expect(failure).toMatchObject({
      status: 529,
      errorType: 'overloaded_error',
      providerMessage: 'Overloaded',
    });
  });

  it('repairs an invalid tool input with one tool_result marked is_error, then fails if still invalid', async () => {
    fake.enqueue(
      anthropicToolUse(SCHEMA_NAME, INVALID_ANSWER),
      anthropicToolUse(SCHEMA_NAME, INVALID_ANSWER),
    );
    const llm = client();
    const failure = await ask(llm).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(LlmSchemaError);
    expect(fake.requests).toHaveLength(2);
    const repair = fake.messages(1);
    expect(repair).toHaveLength(3);
    expect(repair[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'tool_use', id: 'toolu_01A09q90qw90lq917835lq9', name: SCHEMA_NAME, input: INVALID_ANSWER },
      ],
    });
    expect(repair[2]).toMatchObject({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 'toolu_01A09q90qw90lq917835lq9', is_error: true }],
    });
    expect(JSON.stringify(repair[2])).toContain('decisions[0].confidence');
    expect(llm.usage()).toMatchObject({ requests: 2, schemaRepairs: 1, failures: 1 });
  });
});
