import { loadConfig } from '@ats/config';
import { createPrismaClient } from '@ats/db';
import { contextAt, testRequestTimeoutMs, testServices } from '@ats/tool-testing';
import { FAKE_REASONING_MARK, FakeOpenAiServer } from '@ats/tool-testing/fake-openai-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedReasoners, teamFactory } from '../src/agents';

/** A loopback OpenAI endpoint in OpenAI's documented response shape (decision batches echo the rules). */
let fake: FakeOpenAiServer;
let baseUrl: string;
const seen = () => fake.requests.map((r) => ({ schema: r.schemaName, model: r.model }));

beforeAll(async () => {
  fake = await FakeOpenAiServer.start();
  baseUrl = fake.baseUrl;
});
afterAll(async () => {
  await fake?.close();
});

describe('the embedded team honours the LLM settings', () => {
  it('asks the configured model, per agent (LLM__RISK__MODEL), and decides with its answers', async () => {
    const base = loadConfig().llm;
    const llm = {
      ...base,
      provider: 'openai' as const,
      model: 'gpt-4o-mini',
      baseUrl,
      openaiApiKey: 'sk-test-not-a-key',
      cacheMode: 'off' as const,
      retryAttempts: 0,
      timeoutMs: testRequestTimeoutMs(),
      agents: { ...base.agents, risk: { ...base.agents?.risk, model: 'gpt-4o' } },
    };
    const team = teamFactory({ placement: 'embedded', llm })('sequential');
    const outcome = await team.runCycle(await contextAt('2023-06-30', 'orch-llm-0001', ['AAPL', 'MSFT']));
    expect(outcome.degraded).toEqual([]);
    const technical = outcome.decisions.filter((d) => d.agent === 'technical');
    expect(technical.length).toBeGreaterThan(0);
    expect(technical.every((d) => d.reasoning.startsWith(FAKE_REASONING_MARK))).toBe(true);
    expect(
      seen()
        .map((s) => `${s.schema}=${s.model}`)
        .sort(),
    ).toEqual([
      'portfolio_decisions=gpt-4o-mini',
      'risk_vetoes=gpt-4o',
      'sentiment_decisions=gpt-4o-mini',
      'technical_decisions=gpt-4o-mini',
    ]);
  });

  it('stays on the rules when the provider is offline (no request)', async () => {
    const before = fake.requests.length;
    const team = teamFactory({ placement: 'embedded', llm: { ...loadConfig().llm, provider: 'offline' } })(
      'sequential',
    );
    const outcome = await team.runCycle(await contextAt('2023-06-30', 'orch-llm-0002', ['AAPL']));
    expect(outcome.decisions.some((d) => d.reasoning.startsWith(FAKE_REASONING_MARK))).toBe(false);
    expect(fake.requests.length).toBe(before);
  });

  it('caches answers in Postgres (embeddedReasoners): the same cycle again, from a new team, asks nothing', async () => {
    const base = loadConfig().llm;
    const llm = {
      ...base,
      provider: 'openai' as const,
      // A model name of this run only, so earlier runs' cache entries never answer for it.
      model: `gpt-4o-mini-cache-${process.pid}-${Date.now()}`,
      baseUrl,
      openaiApiKey: 'sk-test-not-a-key',
      cacheMode: 'read-write' as const,
      retryAttempts: 0,
      timeoutMs: testRequestTimeoutMs(),
    };
    const prisma = createPrismaClient(testServices().databaseUrl);
    try {
      const cycle = async (correlationId: string) => {
        // Each team is built as a new process builds it: its own clients, the cache shared only through Postgres.
        const reasoners = await embeddedReasoners(llm, prisma);
        expect(reasoners?.cache).toBe('postgres');
        const team = teamFactory({ placement: 'embedded', llm, ...(reasoners ? { reasoners } : {}) })(
          'sequential',
        );
        return team.runCycle(await contextAt('2023-06-30', correlationId, ['AAPL']));
      };
      const before = fake.requests.length;
      const first = await cycle('orch-llm-cache-1');
      const asked = fake.requests.length - before;
      expect(asked).toBe(4);
      const second = await cycle('orch-llm-cache-2');
      expect(seen().slice(before + asked), 'the second cycle was answered from the Postgres cache').toEqual(
        [],
      );
      const view = (o: typeof first) =>
        o.decisions.map((d) => `${d.agent}|${d.symbol}|${d.signal}|${d.reasoning}`);
      expect(view(second)).toEqual(view(first));
      expect(await embeddedReasoners({ ...llm, provider: 'offline' }, prisma)).toBeUndefined();
    } finally {
      await prisma.$disconnect();
    }
  });
});
