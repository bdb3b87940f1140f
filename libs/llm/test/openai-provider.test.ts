import { within } from '@ats/tool-testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createLlmClient,
  LlmAbortedError,
  LlmConfigError,
  LlmEmptyAnswerError,
  LlmHttpError,
  LlmSchemaError,
  LlmTimeoutError,
  OpenAiChatProvider,
  type StructuredLlmClient,
} from '../src/index';
import { DecisionBatchSchema, INVALID_ANSWER, SYSTEM, VALID_ANSWER } from './support/decisions';
import { FakeLlmServer, fixture, openAiCompletion } from './support/fake-llm-server';
import { llmSettings } from './support/settings';

/** A provider delay no test waits out: what a test ending sooner proves it did not wait for. */
const NEVER_IN_TIME_MS = 20_000;
/** Headroom over a promised bound for busy cores; still far below NEVER_IN_TIME_MS. */
const SLOW_MACHINE_MARGIN_MS = 8_000;

const FAST_BACKOFF = { baseDelayMs: 10, maxDelayMs: 50 };

describe('OpenAI chat completions through the official SDK against a loopback fake', () => {
  let fake: FakeLlmServer;
  beforeEach(async () => {
    fake = await FakeLlmServer.start({ path: '/v1/chat/completions' });
  });
  afterEach(async () => {
    await fake.close();
  });

  function client(overrides: Parameters<typeof llmSettings>[0] = {}, deps = {}): StructuredLlmClient {
    const built = createLlmClient(llmSettings({ baseUrl: `${fake.origin}/v1`, ...overrides }), {
      retry: FAST_BACKOFF,
      random: () => 0.5,
      ...deps,
    });
    if (!built) throw new Error('expected a client');
    return built;
  }

  const ask = (llm: StructuredLlmClient, user = 'AAPL: RSI 28, close above SMA200') =>
    llm.complete({
      system: SYSTEM,
      user,
      schema: DecisionBatchSchema,
      schemaName: 'technical_decisions',
      temperature: 0,
      maxTokens: 500,
    });

  it('reports an SDK it cannot build as a configuration error, and builds it again on the next request', async () => {
    // The SDK is loaded and built on the first request. Given no key, it reads OPENAI_API_KEY, and refuses without one.
    vi.stubEnv('OPENAI_API_KEY', undefined);
    const provider = new OpenAiChatProvider({
      kind: 'openai',
      apiKey: undefined as unknown as string,
      baseURL: `${fake.origin}/v1`,
    });
    const request = {
      model: 'gpt-4o-mini',
      system: SYSTEM,
      user: 'AAPL: RSI 28',
      answerSchema: { type: 'object' as const, properties: {}, additionalProperties: false },
      schemaName: 'technical_decisions',
      temperature: 0,
      maxTokens: 100,
      signal: new AbortController().signal,
    };
    try {
      await expect(provider.send(request)).rejects.toThrow(LlmConfigError);
      expect(fake.requests).toHaveLength(0);
      // Not remembered: with a key in the environment the next request builds the client and is sent.
      vi.stubEnv('OPENAI_API_KEY', 'sk-from-environment');
      fake.enqueue(openAiCompletion(JSON.stringify(VALID_ANSWER), { prompt: 10, completion: 5 }));
      await expect(provider.send(request)).resolves.toMatchObject({ text: JSON.stringify(VALID_ANSWER) });
      expect(fake.requests).toHaveLength(1);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('sends a strict json_schema response_format and returns the validated value with tokens and cost', async () => {
    fake.enqueue(openAiCompletion(JSON.stringify(VALID_ANSWER), { prompt: 1117, completion: 46 }));
    const llm = client();
    const answer = await ask(llm);

    expect(answer.value).toEqual(VALID_ANSWER);
    expect(answer.cached).toBe(false);
    // gpt-4o-mini: $0.15 in / $0.60 out per 1M tokens.
    expect(answer.usage.promptTokens).toBe(1117);
    expect(answer.usage.completionTokens).toBe(46);
    expect(answer.usage.costUsd).toBeCloseTo((1117 * 0.15 + 46 * 0.6) / 1e6, 12);

    expect(fake.requests[0]?.headers.authorization).toBe('Bearer sk-test');
    expect(fake.body(0)).toMatchObject({
      model: 'gpt-4o-mini',
      max_completion_tokens: 500,
      temperature: 0,
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: 'AAPL: RSI 28, close above SMA200' },
      ],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'technical_decisions',
          strict: true,
          schema: {
            type: 'object',
            additionalProperties: false,
            properties: { decisions: { type: 'array' } },
          },
        },
      },
    });

    expect(llm.usage()).toMatchObject({ calls: 1, requests: 1, retries: 0, failures: 0, promptTokens: 1117 });
  });

  it('retries a 429 after the Retry-After: 1 second it asks for, then succeeds', async () => {
    fake.enqueue(
      { status: 429, headers: { 'retry-after': '1' }, body: fixture('openai-error-429.json') },
      openAiCompletion(JSON.stringify(VALID_ANSWER)),
    );
    const llm = client();
    const answer = await ask(llm);

    expect(answer.value).toEqual(VALID_ANSWER);
    expect(fake.requests).toHaveLength(2);
    const waitedMs = (fake.requests[1]?.receivedAtMs ?? 0) - (fake.requests[0]?.receivedAtMs ?? 0);
    // The promise is the lower bound (never sooner than asked). The upper one only catches a wait of another
    // order (a unit mix-up); its margin is for busy cores.
    expect(waitedMs).toBeGreaterThanOrEqual(950);
    expect(waitedMs).toBeLessThan(1_000 + SLOW_MACHINE_MARGIN_MS);
    expect(llm.usage()).toMatchObject({ requests: 2, retries: 1, failures: 0 });
  });

  it('retries 500s with backoff and gives up after 1 + LLM__RETRY_ATTEMPTS attempts', async () => {
    const serverError = { status: 500, body: fixture('openai-error-500.json') };
    fake.enqueue(serverError, serverError, serverError);
    const llm = client({ retryAttempts: 2 });
    const failure = await ask(llm).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(LlmHttpError);
    expect((failure as LlmHttpError).status).toBe(500);
    expect((failure as LlmHttpError).errorType).toBe('server_error');
    expect(fake.requests).toHaveLength(3);
    expect(llm.usage()).toMatchObject({ calls: 1, requests: 3, retries: 2, failures: 1 });
  });

  it('does not retry a 400: the request itself is wrong', async () => {
    fake.enqueue({ status: 400, body: fixture('openai-error-400-bad-request.json') });
    const failure = await ask(client()).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(LlmHttpError);
    expect((failure as LlmHttpError).errorType).toBe('invalid_request_error');
    expect((failure as LlmHttpError).retryable).toBe(false);
    expect(fake.requests).toHaveLength(1);
  });

  it('fails with LlmTimeoutError after the configured time when the provider is slow', async () => {
    fake.enqueue({ ...openAiCompletion(JSON.stringify(VALID_ANSWER)), delayMs: NEVER_IN_TIME_MS });
    const llm = client({ timeoutMs: 300, retryAttempts: 0 });
    const started = Date.now();
    const failure = await ask(llm).catch((error: unknown) => error);
    const elapsed = Date.now() - started;

    expect(failure).toBeInstanceOf(LlmTimeoutError);
    expect((failure as LlmTimeoutError).timeoutMs).toBe(300);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    // The promised bound: it gives up at its timeout, long before the provider would answer.
    expect(elapsed).toBeLessThan(300 + SLOW_MACHINE_MARGIN_MS);
  });

  it('retries a timed-out attempt and succeeds on the next one', async () => {
    fake.enqueue(
      { ...openAiCompletion(JSON.stringify(VALID_ANSWER)), delayMs: NEVER_IN_TIME_MS },
      openAiCompletion(JSON.stringify(VALID_ANSWER)),
    );
    // Long enough for the prompt second answer on busy cores, far shorter than the first one's delay.
    const llm = client({ timeoutMs: within(3_000), retryAttempts: 1 });
    const answer = await ask(llm);

    expect(answer.value).toEqual(VALID_ANSWER);
    expect(llm.usage()).toMatchObject({ requests: 2, retries: 1, failures: 0 });
  });

  it('stops at once, without retrying, when the caller aborts', async () => {
    fake.enqueue({ ...openAiCompletion(JSON.stringify(VALID_ANSWER)), delayMs: NEVER_IN_TIME_MS });
    const llm = client({ timeoutMs: NEVER_IN_TIME_MS, retryAttempts: 3 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const failure = await llm
      .complete({
        system: SYSTEM,
        user: 'AAPL',
        schema: DecisionBatchSchema,
        schemaName: 'technical_decisions',
        temperature: 0,
        maxTokens: 500,
        signal: controller.signal,
      })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(LlmAbortedError);
    // At once: neither the provider's answer nor the timeout (both NEVER_IN_TIME_MS away) was waited for.
    expect(Date.now() - started).toBeLessThan(100 + SLOW_MACHINE_MARGIN_MS);
    expect(fake.requests).toHaveLength(1);
    expect(llm.usage()).toMatchObject({ retries: 0, failures: 1 });
  });

  it('reports a refusal as LlmEmptyAnswerError, not as a schema problem', async () => {
    const refusal = openAiCompletion('');
    const body = refusal.body as {
      choices: [{ message: { content: string | null; refusal: string | null } }];
    };
    body.choices[0].message.content = null;
    body.choices[0].message.refusal = "I'm sorry, I can't help with that.";
    fake.enqueue(refusal);
    const failure = await ask(client()).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(LlmEmptyAnswerError);
    expect((failure as Error).message).toContain('refused');
    expect(fake.requests).toHaveLength(1);
  });

  it('repairs an answer that fails the schema with exactly one request carrying the validation error', async () => {
    fake.enqueue(
      openAiCompletion(JSON.stringify(INVALID_ANSWER), { prompt: 1000, completion: 40 }),
      openAiCompletion(JSON.stringify(VALID_ANSWER), { prompt: 1100, completion: 45 }),
    );
    const llm = client();
    const answer = await ask(llm);

    expect(answer.value).toEqual(VALID_ANSWER);
    expect(fake.requests).toHaveLength(2);
    const repair = fake.messages(1);
    expect(repair).toHaveLength(4);
    expect(repair[2]).toEqual({ role: 'assistant', content: JSON.stringify(INVALID_ANSWER) });
    expect(repair[3]?.role).toBe('user');
    expect(repair[3]?.content).toContain('decisions[0].signal');
    expect(repair[3]?.content).toContain('decisions[0].confidence');
    // Both answers were billed.
    expect(answer.usage.promptTokens).toBe(2100);
    expect(answer.usage.completionTokens).toBe(85);
    expect(llm.usage()).toMatchObject({ requests: 2, schemaRepairs: 1, retries: 0 });
  });

  it('repairs content that is not JSON at all', async () => {
    fake.enqueue(
      openAiCompletion('Sure! Here is my analysis: BUY AAPL'),
      openAiCompletion(JSON.stringify(VALID_ANSWER)),
    );
    const answer = await ask(client());
    expect(answer.value).toEqual(VALID_ANSWER);
    expect(fake.messages(1)[3]?.content).toContain('not valid JSON');
  });

  it('fails with LlmSchemaError carrying the issues when the repaired answer is still invalid', async () => {
    fake.enqueue(
      openAiCompletion(JSON.stringify(INVALID_ANSWER)),
      openAiCompletion(JSON.stringify(INVALID_ANSWER)),
    );
    const llm = client();
    const failure = await ask(llm).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(LlmSchemaError);
    const schemaError = failure as LlmSchemaError;
    expect(schemaError.schemaName).toBe('technical_decisions');
    expect(schemaError.issues.map((issue) => issue.path.join('.'))).toEqual(
      expect.arrayContaining(['decisions.0.signal', 'decisions.0.confidence']),
    );
    expect(fake.requests).toHaveLength(2);
    expect(llm.usage()).toMatchObject({ calls: 1, requests: 2, schemaRepairs: 1, failures: 1 });
  });

  it('keeps at most maxConcurrency requests in flight at the provider', async () => {
    fake = await restartWith(fake, () => ({
      ...openAiCompletion(JSON.stringify(VALID_ANSWER)),
      // Each answer is held long enough that the client has its three requests out before the first returns,
      // even when busy cores slow the client down.
      delayMs: within(500),
    }));
    const llm = client({}, { maxConcurrency: 3, requestsPerMinute: 6_000, burst: 100 });
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => ask(llm, `question ${i}`)));

    expect(answers).toHaveLength(10);
    expect(fake.requests).toHaveLength(10);
    expect(fake.maxInFlight).toBe(3);
  });

  it('counts cost 0 and flags the usage unpriced for a model missing from the price table', async () => {
    fake.enqueue(openAiCompletion(JSON.stringify(VALID_ANSWER), { prompt: 500, completion: 20 }));
    const llm = client({ model: 'my-finetune-v3' });
    const answer = await ask(llm);

    expect(answer.usage).toEqual({ promptTokens: 500, completionTokens: 20, costUsd: 0, unpriced: true });
    expect(llm.usage()).toMatchObject({ unpricedResponses: 1, costUsd: 0, promptTokens: 500 });
  });
});

async function restartWith(
  previous: FakeLlmServer,
  respond: () => ReturnType<typeof openAiCompletion>,
): Promise<FakeLlmServer> {
  await previous.close();
  return FakeLlmServer.start({ path: '/v1/chat/completions', respond });
}
