import { readFileSync } from 'node:fs';
import { contextAt } from '@ats/tool-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTeamReasonersInMemory, createReasoningTeam } from '../src/index';
import { FakeLlmServer, type RecordedRequest } from './support/fake-llm-server';
import { llmSettings } from './support/settings';

const completion = JSON.parse(
  readFileSync(new URL('./fixtures/openai-chat-completion.json', import.meta.url), 'utf8'),
) as { choices: [{ message: { content: string } }] };

const MARK = 'model said';

/** One agent's LLM__<AGENT>__* values as loadConfig() gives them: unset keys are undefined. */
const agentLlm = (own: { model?: string; temperature?: number; maxTokens?: number }) => ({
  model: undefined,
  temperature: undefined,
  maxTokens: undefined,
  timeoutMs: undefined,
  retryAttempts: undefined,
  ...own,
});

/** Answers as OpenAI would: decision batches echo the rules' decisions it was sent; the risk review vetoes nothing. */
function echo(request: RecordedRequest) {
  const format = request.body.response_format as { json_schema?: { name?: string } } | undefined;
  const messages = request.body.messages as { role: string; content: string }[];
  const user = JSON.parse(messages.find((m) => m.role === 'user')?.content ?? '{}');
  const answer =
    format?.json_schema?.name === 'risk_vetoes'
      ? { vetoes: [] }
      : {
          decisions: (
            user.ruleBasedDecisions as { symbol: string; signal: string; confidence: number }[]
          ).map((d) => ({ ...d, reasoning: `${MARK} ${d.signal} for ${d.symbol}` })),
        };
  const body = structuredClone(completion);
  body.choices[0].message.content = JSON.stringify(answer);
  return { body };
}

let fake: FakeLlmServer;
beforeAll(async () => {
  fake = await FakeLlmServer.start({ path: '/v1/chat/completions', respond: echo });
});
afterAll(async () => fake?.close());

describe('the team reasoners from LLM settings (backtester and embedded orchestrator)', () => {
  it('gives each agent its own LLM__<AGENT>__* model and settings, and the decisions are the model answers', async () => {
    const settings = llmSettings({
      baseUrl: `${fake.origin}/v1`,
      model: 'gpt-4o-mini',
      temperature: 0.3,
      agents: {
        technical: agentLlm({}),
        sentiment: agentLlm({}),
        risk: agentLlm({ model: 'gpt-4o', temperature: 0 }),
        portfolio: agentLlm({ maxTokens: 900 }),
      },
    });
    const team = buildTeamReasonersInMemory('openai', settings);
    expect(team.agents.risk).toMatchObject({ model: 'gpt-4o', temperature: 0 });
    expect(team.agents.portfolio).toMatchObject({ model: 'gpt-4o-mini', temperature: 0.3, maxTokens: 900 });

    const ctx = await contextAt('2023-06-30', 'llm-team-0001', ['AAPL', 'MSFT']);
    const outcome = await createReasoningTeam({ pattern: 'sequential' }, team).runCycle(ctx);
    expect(outcome.degraded).toEqual([]);
    const byAgent = (agent: string) => outcome.decisions.filter((d) => d.agent === agent);
    for (const agent of ['technical', 'sentiment', 'portfolio'])
      for (const d of byAgent(agent)) expect(d.reasoning, `${agent} ${d.symbol}`).toContain(MARK);

    // One request per agent, each with its own model, temperature and token budget.
    const seen = fake.requests.map((r) => {
      const format = r.body.response_format as { json_schema?: { name?: string } };
      return [format.json_schema?.name, r.body.model, r.body.temperature];
    });
    expect(seen.sort()).toEqual(
      [
        ['portfolio_decisions', 'gpt-4o-mini', 0.3],
        ['risk_vetoes', 'gpt-4o', 0],
        ['sentiment_decisions', 'gpt-4o-mini', 0.3],
        ['technical_decisions', 'gpt-4o-mini', 0.3],
      ].sort(),
    );
    const portfolio = fake.requests.find(
      (r) =>
        (r.body.response_format as { json_schema?: { name?: string } }).json_schema?.name ===
        'portfolio_decisions',
    );
    expect(portfolio?.body.max_tokens ?? portfolio?.body.max_completion_tokens).toBe(900);
    expect(team.usage().requests).toBe(4);
  });

  it('offline settings give the rules', () => {
    const team = buildTeamReasonersInMemory('offline', llmSettings({ provider: 'offline' }));
    expect(Object.values(team.reasoners).map((r) => r.kind)).toEqual([
      'offline',
      'offline',
      'offline',
      'offline',
    ]);
    expect(team.cache).toBe('none');
  });
});
