import { createPrismaClient, type PrismaClient } from '@ats/db';
import { uniqueName } from '@ats/tool-testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  cacheKey,
  createLlmClient,
  InMemoryLlmCacheStore,
  LlmCacheMissError,
  type LlmCacheStore,
  type LlmSettings,
  PrismaLlmCacheStore,
  type StructuredLlmClient,
} from '../src/index';
import { DecisionBatchSchema, SYSTEM, VALID_ANSWER } from './support/decisions';
import { FakeLlmServer, openAiCompletion } from './support/fake-llm-server';
import { llmSettings } from './support/settings';

describe('response cache', () => {
  let fake: FakeLlmServer;
  let prisma: PrismaClient;

  beforeAll(() => {
    const url = process.env.DATABASE__URL;
    if (!url) throw new Error('DATABASE__URL is not set: the services global setup did not run');
    prisma = createPrismaClient(url);
  });
  afterAll(async () => {
    await prisma.$disconnect();
  });
  beforeEach(async () => {
    let answered = 0;
    fake = await FakeLlmServer.start({
      path: '/v1/chat/completions',
      // Each fresh answer differs, so a cached value is recognisable.
      respond: () => {
        answered += 1;
        const answer = { decisions: [{ ...VALID_ANSWER.decisions[0], confidence: answered / 10 }] };
        return openAiCompletion(JSON.stringify(answer), { prompt: 800, completion: 60 });
      },
    });
  });
  afterEach(async () => {
    await fake.close();
  });

  function client(cacheMode: LlmSettings['cacheMode'], cacheStore: LlmCacheStore): StructuredLlmClient {
    const built = createLlmClient(llmSettings({ baseUrl: `${fake.origin}/v1`, cacheMode }), { cacheStore });
    if (!built) throw new Error('expected a client');
    return built;
  }

  const ask = (llm: StructuredLlmClient, user: string, temperature = 0) =>
    llm.complete({
      system: SYSTEM,
      user,
      schema: DecisionBatchSchema,
      schemaName: 'technical_decisions',
      temperature,
      maxTokens: 500,
    });

  it('Postgres: a second identical call, and a re-run with a new client, make zero HTTP calls and return the same value', async () => {
    const user = uniqueName('cache_pg');
    const firstRun = client('read-write', new PrismaLlmCacheStore(prisma));
    const fresh = await ask(firstRun, user);
    expect(fresh.cached).toBe(false);
    expect(fake.requests).toHaveLength(1);

    const again = await ask(firstRun, user);
    expect(fake.requests).toHaveLength(1);
    expect(again.cached).toBe(true);
    expect(again.value).toStrictEqual(fresh.value);
    expect(again.usage).toEqual({ promptTokens: 0, completionTokens: 0, costUsd: 0 });
    expect(firstRun.usage()).toMatchObject({ calls: 2, cachedCalls: 1, requests: 1, promptTokens: 800 });

    // A re-run: another process, another client, same database.
    const rerun = client('replay', new PrismaLlmCacheStore(prisma));
    const replayed = await ask(rerun, user);
    expect(fake.requests).toHaveLength(1);
    expect(replayed.value).toStrictEqual(fresh.value);
    expect(rerun.usage()).toMatchObject({ calls: 1, cachedCalls: 1, requests: 0 });

    const rows = await prisma.llmCacheEntry.findMany({ where: { provider: 'openai', model: 'gpt-4o-mini' } });
    const row = rows.find((r) => JSON.stringify(r.request).includes(user));
    expect(row).toMatchObject({ promptTokens: 800, completionTokens: 60, hits: 2 });
    expect(row?.costUsd).toBeCloseTo((800 * 0.15 + 60 * 0.6) / 1e6, 12);
    expect(row?.key).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.lastHitAt).toBeInstanceOf(Date);
    expect(row?.response).toEqual(fresh.value);
  });

  it('replay: a miss is an error and no request is sent', async () => {
    const replay = client('replay', new PrismaLlmCacheStore(prisma));
    const failure = await ask(replay, uniqueName('cache_miss')).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(LlmCacheMissError);
    expect((failure as LlmCacheMissError).key).toMatch(/^[0-9a-f]{64}$/);
    expect(fake.requests).toHaveLength(0);
    expect(replay.usage()).toMatchObject({ calls: 1, failures: 1, requests: 0 });
  });

  it('off: every call goes to the provider and nothing is stored', async () => {
    const store = new InMemoryLlmCacheStore();
    const llm = client('off', store);
    const user = uniqueName('cache_off');
    const first = await ask(llm, user);
    const second = await ask(llm, user);

    expect(fake.requests).toHaveLength(2);
    expect(second.value).not.toEqual(first.value);
    expect(store.size).toBe(0);
  });

  it('in memory: the key covers temperature and prompt, so a changed request is answered afresh', async () => {
    const store = new InMemoryLlmCacheStore();
    const llm = client('read-write', store);
    await ask(llm, 'AAPL', 0);
    await ask(llm, 'AAPL', 0);
    await ask(llm, 'AAPL', 0.7);
    await ask(llm, 'MSFT', 0);

    expect(fake.requests).toHaveLength(3);
    expect(store.size).toBe(3);
    expect(llm.usage()).toMatchObject({ calls: 4, cachedCalls: 1, requests: 3 });
  });

  it('the key is the sha256 of the canonical request: field order does not matter, content does', () => {
    const base = {
      provider: 'openai',
      model: 'gpt-4o-mini',
      temperature: 0,
      system: 's',
      user: 'u',
      schema: { type: 'object', properties: { a: { type: 'string' } } },
      schemaName: 'n',
    };
    const reordered = {
      schemaName: 'n',
      schema: { properties: { a: { type: 'string' } }, type: 'object' },
      user: 'u',
      system: 's',
      temperature: 0,
      model: 'gpt-4o-mini',
      provider: 'openai',
    };
    expect(cacheKey(reordered)).toBe(cacheKey(base));
    expect(cacheKey({ ...base, schemaName: 'other' })).not.toBe(cacheKey(base));
    expect(cacheKey({ ...base, provider: 'anthropic' })).not.toBe(cacheKey(base));
  });

  it('keeps the keys of existing cache entries: RFC 8785 text equals the sorted-keys JSON the keys were made with', () => {
    const request = {
      provider: 'openai',
      model: 'gpt-4o-mini',
      temperature: 0.2,
      system: 'Du bist ein Händler — “quotes”, \\ and \n newlines, emoji 📈',
      user: 'AAPL close 187.44, volume 1e21, ratio 0.1',
      schema: {
        type: 'object',
        required: ['decisions'],
        properties: {
          decisions: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                confidence: { type: 'number', minimum: 0, maximum: 1 },
                signal: { enum: ['buy', 'sell', 'hold'] },
              },
            },
          },
          Zeta: { type: 'string' },
          alpha: { type: 'string', description: undefined },
        },
        additionalProperties: false,
      },
      schemaName: 'technical_decisions',
    };
    // sha256 of JSON.stringify with keys sorted (the key before the switch to RFC 8785).
    expect(cacheKey(request)).toBe('5b779e1ec8a7b57be79fa4df8d30dfb82ead68dc1789f96e32e296aa404ef7a2');
  });
});
