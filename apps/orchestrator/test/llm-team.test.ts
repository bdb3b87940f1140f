import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '@ats/config';
import { createPrismaClient } from '@ats/db';
import { contextAt, testRequestTimeoutMs, testServices } from '@ats/tool-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedReasoners, teamFactory } from '../src/agents';

/**
 * A loopback OpenAI Chat Completions endpoint answering in OpenAI's documented response shape: decision batches
 * echo the rule-based decisions it was sent with its own reasoning; the risk review vetoes nothing.
 */
const seen: { schema: string; model: string }[] = [];
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const schema: string = body.response_format?.json_schema?.name ?? '';
    seen.push({ schema, model: body.model });
    const user = JSON.parse(body.messages.find((m: { role: string }) => m.role === 'user')?.content ?? '{}');
    const answer =
      schema === 'risk_vetoes'
        ? { vetoes: [] }
        : {
            decisions: user.ruleBasedDecisions.map(
              (d: { symbol: string; signal: string; confidence: number }) => ({
                ...d,
                reasoning: `loopback model: ${d.signal} ${d.symbol}`,
              }),
            ),
          };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: 'chatcmpl-loopback',
        object: 'chat.completion',
        created: 1_741_570_283,
        model: body.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: JSON.stringify(answer) },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 1000, completion_tokens: 50, total_tokens: 1050 },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
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
    expect(technical.map((d) => d.reasoning).sort()).toEqual(
      technical.map((d) => `loopback model: ${d.signal} ${d.symbol}`).sort(),
    );
    expect(seen.map((s) => `${s.schema}=${s.model}`).sort()).toEqual([
      'portfolio_decisions=gpt-4o-mini',
      'risk_vetoes=gpt-4o',
      'sentiment_decisions=gpt-4o-mini',
      'technical_decisions=gpt-4o-mini',
    ]);
  });

  it('stays on the rules when the provider is offline (no request)', async () => {
    const before = seen.length;
    const team = teamFactory({ placement: 'embedded', llm: { ...loadConfig().llm, provider: 'offline' } })(
      'sequential',
    );
    const outcome = await team.runCycle(await contextAt('2023-06-30', 'orch-llm-0002', ['AAPL']));
    expect(outcome.decisions.some((d) => d.reasoning.startsWith('loopback model'))).toBe(false);
    expect(seen.length).toBe(before);
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
      const before = seen.length;
      const first = await cycle('orch-llm-cache-1');
      const asked = seen.length - before;
      expect(asked).toBe(4);
      const second = await cycle('orch-llm-cache-2');
      expect(seen.slice(before + asked), 'the second cycle was answered from the Postgres cache').toEqual([]);
      const view = (o: typeof first) =>
        o.decisions.map((d) => `${d.agent}|${d.symbol}|${d.signal}|${d.reasoning}`);
      expect(view(second)).toEqual(view(first));
      expect(await embeddedReasoners({ ...llm, provider: 'offline' }, prisma)).toBeUndefined();
    } finally {
      await prisma.$disconnect();
    }
  });
});
