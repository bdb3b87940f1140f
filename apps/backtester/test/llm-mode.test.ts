import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildReasoner, runBacktestJob } from '@ats/backtest-jobs';
import { loadConfig } from '@ats/config';
import { BacktestRequestSchema } from '@ats/contracts';
import { createPrismaClient, type PrismaClient } from '@ats/db';
import { evidenceSourceFromConfig } from '@ats/evidence';
import { openMarketDataPort } from '@ats/market-data';
import { renderJsonReport } from '@ats/reports';
import { bundledEntry, testServices, within } from '@ats/tool-testing';
import {
  FAKE_COMPLETION_TOKENS,
  FAKE_GPT_4O_MINI_CALL_USD,
  FAKE_PROMPT_TOKENS,
  FAKE_REASONING_MARK,
  FakeOpenAiServer,
} from '@ats/tool-testing/fake-openai-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportFile } from './support/report-files';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
/** Every agent of the team asks the model once per decision time (one batched call for all symbols). */
const LLM_AGENTS = ['technical_decisions', 'sentiment_decisions', 'risk_vetoes', 'portfolio_decisions'];
/** First trading day of each ISO week of January 2023 (Jan 2 and Jan 16 were holidays). */
const JANUARY_2023_WEEKLY = ['2023-01-03', '2023-01-09', '2023-01-17', '2023-01-23', '2023-01-30'];
const COST_PER_CALL = FAKE_GPT_4O_MINI_CALL_USD;

const request = BacktestRequestSchema.parse({
  symbols: ['AAPL', 'MSFT'],
  start: '2023-01-01',
  end: '2023-01-31',
  rebalance: 'weekly',
  attribution: false,
  llmProvider: 'openai',
});
const CLI_ARGS = [
  '--symbols=AAPL,MSFT',
  '--start=2023-01-01',
  '--end=2023-01-31',
  '--no-attribution',
  '--llm=openai',
  '--store=never',
  '--no-progress',
];

let fake: FakeOpenAiServer;
let prisma: PrismaClient;
let env: Record<string, string>;

beforeAll(async () => {
  fake = await FakeOpenAiServer.start();
  prisma = createPrismaClient(testServices().databaseUrl);
  env = {
    LLM__MODEL: 'gpt-4o-mini',
    LLM__BASE_URL: fake.baseUrl,
    LLM__CACHE_MODE: 'read-write',
    LLM__RETRY_ATTEMPTS: '0',
    OPENAI_API_KEY: 'sk-test-not-a-key',
  };
});

afterAll(async () => {
  await fake?.close();
  await prisma?.$disconnect();
});

/** The report without llmUsage, which says where answers came from (provider or cache), not what they were. */
const withoutUsage = (json: string) => {
  const { llmUsage: _usage, ...rest } = JSON.parse(json) as Record<string, unknown>;
  return JSON.stringify(rest);
};

describe('LLM mode against a loopback OpenAI endpoint, answers cached in Postgres', () => {
  let firstReport: string;

  it('asks each agent once per decision time and counts calls, tokens and cost', async () => {
    const settings = loadConfig({ env, envFile: null }).llm;
    // A test needs no rate limit; the CLI keeps the client's defaults.
    const llm = await buildReasoner('openai', settings, {
      prisma,
      client: { requestsPerMinute: 60_000, burst: 1_000 },
    });
    expect(llm.cache).toBe('postgres');
    // The CLI's own data path (data folder bars and point-in-time evidence), so the CLI rerun asks the same prompts.
    const marketData = await openMarketDataPort(loadConfig({ env, envFile: null }), {
      evidence: evidenceSourceFromConfig,
    });
    const output = await runBacktestJob(request, {
      bars: marketData,
      reasoners: llm.reasoners,
      agentConfigs: llm.agents,
      llmUsage: llm.usage,
    });
    firstReport = renderJsonReport(output.report);
    await marketData.close();

    const decisionTimes = output.result.decisions.map((d) => d.ts.slice(0, 10));
    expect(decisionTimes).toEqual(JANUARY_2023_WEEKLY);
    const expectedCalls = JANUARY_2023_WEEKLY.length * LLM_AGENTS.length;
    expect(fake.requests).toHaveLength(expectedCalls);
    for (const agent of LLM_AGENTS)
      expect(fake.requests.filter((r) => r.schemaName === agent)).toHaveLength(JANUARY_2023_WEEKLY.length);
    expect(output.result.llmUsage).toEqual({
      calls: expectedCalls,
      cachedCalls: 0,
      promptTokens: expectedCalls * FAKE_PROMPT_TOKENS,
      completionTokens: expectedCalls * FAKE_COMPLETION_TOKENS,
      costUsd: expect.closeTo(expectedCalls * COST_PER_CALL, 10),
    });
    // The model's answers are the decisions: its reasoning is in the log, nothing degraded to the rules.
    const signals = output.result.decisions.flatMap((d) => d.signals);
    expect(signals.length).toBeGreaterThan(0);
    expect(signals.every((s) => s.reasoning?.startsWith(FAKE_REASONING_MARK))).toBe(true);
    expect(output.degradedDecisions).toEqual([]);
  });

  it(
    'reruns through the CLI with zero HTTP calls and a byte-identical report, and states the usage',
    () => {
      const before = fake.requests.length;
      const out = mkdtempSync(join(tmpdir(), 'ats-backtest-llm-'));
      const run = spawnSync(process.execPath, [...bundledEntry(MAIN), ...CLI_ARGS, `--out=${out}`], {
        encoding: 'utf8',
        env: { ...process.env, ...env, NO_COLOR: '1', NATS__URL: 'nats://127.0.0.1:1' },
        // A deadline that holds on busy cores (a CLI start-up plus a backtest): the test's own is just above it.
        timeout: within(230_000),
      });
      expect(run.status, run.stderr).toBe(0);
      expect(fake.requests.length - before).toBe(0);
      const calls = JANUARY_2023_WEEKLY.length * LLM_AGENTS.length;
      expect(run.stdout).toContain(
        `LLM calls: ${calls} (cached ${calls}), tokens 0 prompt + 0 completion, cost $0.0000`,
      );
      const json = readFileSync(
        reportFile(out, 'backtest-multi-agent-2023-01-01-2023-01-31', 'json'),
        'utf8',
      );
      expect(withoutUsage(json)).toBe(withoutUsage(firstReport));
      expect(JSON.parse(json).llmUsage).toMatchObject({ calls, cachedCalls: calls, costUsd: 0 });
    },
    within(240_000),
  );

  it('gives each agent its own model (LLM__RISK__MODEL over LLM__MODEL), as the orchestrator does', async () => {
    const settings = loadConfig({ env: { ...env, LLM__RISK__MODEL: 'gpt-4o' }, envFile: null }).llm;
    const llm = await buildReasoner('openai', settings, {
      client: { requestsPerMinute: 60_000, burst: 1_000 },
    });
    expect(llm.agents.risk.model).toBe('gpt-4o');
    const marketData = await openMarketDataPort(loadConfig({ env, envFile: null }), {
      evidence: evidenceSourceFromConfig,
    });
    const before = fake.requests.length;
    const output = await runBacktestJob(
      { ...request, end: '2023-01-06' },
      { bars: marketData, reasoners: llm.reasoners, agentConfigs: llm.agents, llmUsage: llm.usage },
    );
    await marketData.close();
    expect(output.degradedDecisions).toEqual([]);
    const asked = fake.requests.slice(before).map((r) => `${r.schemaName}=${r.model}`);
    expect([...new Set(asked)].sort()).toEqual([
      'portfolio_decisions=gpt-4o-mini',
      'risk_vetoes=gpt-4o',
      'sentiment_decisions=gpt-4o-mini',
      'technical_decisions=gpt-4o-mini',
    ]);
  });
});
