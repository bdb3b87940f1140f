import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReasoner, runBacktestJob } from '@ats/backtest-jobs';
import { loadConfig } from '@ats/config';
import { BacktestRequestSchema } from '@ats/contracts';
import { createPrismaClient, type PrismaClient } from '@ats/db';
import { evidenceSourceFromConfig } from '@ats/evidence';
import { ESTIMATED_PROMPT_TOKENS_PER_CALL, ESTIMATED_PROMPT_TOKENS_PER_SYMBOL } from '@ats/llm';
import { openMarketDataPort } from '@ats/market-data';
import { renderJsonReport } from '@ats/reports';
import { testServices, uniqueName } from '@ats/tool-testing';
import {
  FAKE_GPT_4O_MINI_CALL_USD,
  FAKE_REASONING_MARK,
  FakeOpenAiServer,
} from '@ats/tool-testing/fake-openai-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportFile } from './support/report-files';
import { runBacktesterCli } from './support/run-cli';

/** Agents that ask the model, once per decision time each. */
const LLM_AGENTS = 4;
/** First trading day of each ISO week of January 2023. */
const JANUARY_2023_WEEKLY = ['2023-01-03', '2023-01-09', '2023-01-17', '2023-01-23', '2023-01-30'];
const COST_PER_CALL = FAKE_GPT_4O_MINI_CALL_USD;
/** Enough for two decision times (8 calls) and not a third: the 8th call crosses it, the 9th is refused. */
const TWO_DECISION_TIMES_USD = (2 * LLM_AGENTS - 0.5) * COST_PER_CALL;
const MAX_TOKENS = 700;

const request = BacktestRequestSchema.parse({
  symbols: ['AAPL', 'MSFT'],
  start: '2023-01-01',
  end: '2023-01-31',
  rebalance: 'weekly',
  attribution: false,
  llmProvider: 'openai',
});

let fake: FakeOpenAiServer;
let env: Record<string, string>;
let prisma: PrismaClient;
/** Cache rows this file planted (dated far ahead, so no one else's day counts them once removed). */
const plantedKeys: string[] = [];

beforeAll(async () => {
  fake = await FakeOpenAiServer.start();
  prisma = createPrismaClient(testServices().databaseUrl);
  env = {
    LLM__MODEL: 'gpt-4o-mini',
    LLM__BASE_URL: fake.baseUrl,
    // No cache: every allowed call reaches the fake and costs money, whatever earlier tests stored.
    LLM__CACHE_MODE: 'off',
    // Retries allowed: a budget stop must still not repeat (nor reach the provider).
    LLM__RETRY_ATTEMPTS: '2',
    LLM__MAX_TOKENS: String(MAX_TOKENS),
    OPENAI_API_KEY: 'sk-test-not-a-key',
  };
});

afterAll(async () => {
  await prisma?.llmCacheEntry.deleteMany({ where: { key: { in: plantedKeys } } });
  await prisma?.$disconnect();
  await fake?.close();
});

/** An answer the provider gave at `createdAt` for `costUsd`, as the Postgres answer cache stores it. */
async function plantSpend(createdAt: Date, costUsd: number): Promise<void> {
  const key = uniqueName('llm-budget-spend');
  plantedKeys.push(key);
  await prisma.llmCacheEntry.create({
    data: {
      key,
      provider: 'openai',
      model: 'gpt-4o-mini',
      request: {},
      response: {},
      promptTokens: 0,
      completionTokens: 0,
      costUsd,
      createdAt,
    },
  });
}

describe('LLM budget against a loopback OpenAI endpoint', () => {
  it('stops asking the model once the run budget is spent; the rules decide the rest and the report says from when', async () => {
    const config = loadConfig({ env, envFile: null });
    const llm = await buildReasoner('openai', config.llm, {
      client: { requestsPerMinute: 60_000, burst: 1_000 },
      budget: { perRunUsd: TWO_DECISION_TIMES_USD },
    });
    const marketData = await openMarketDataPort(config, { evidence: evidenceSourceFromConfig });
    const before = fake.requests.length;
    const output = await runBacktestJob(request, {
      bars: marketData,
      reasoners: llm.reasoners,
      agentConfigs: llm.agents,
      llmUsage: llm.usage,
    }).finally(() => marketData.close());

    expect(fake.requests.length - before).toBe(2 * LLM_AGENTS);
    expect(output.result.llmUsage).toMatchObject({ calls: 2 * LLM_AGENTS, cachedCalls: 0 });
    const byDay = new Map(output.result.decisions.map((d) => [d.ts.slice(0, 10), d]));
    expect([...byDay.keys()]).toEqual(JANUARY_2023_WEEKLY);
    for (const day of JANUARY_2023_WEEKLY) {
      const decision = byDay.get(day);
      const signals = decision?.signals ?? [];
      expect(signals.length).toBeGreaterThan(0);
      const fromModel = signals.filter((s) => s.reasoning?.startsWith(FAKE_REASONING_MARK)).length;
      if (day < '2023-01-17') {
        expect(fromModel, day).toBe(signals.length);
        expect(decision?.note, day).toBeUndefined();
      } else {
        // Rule-based, and named as a budget stop rather than an unavailable model.
        expect(fromModel, day).toBe(0);
        expect(decision?.note, day).toContain('LLM budget per run reached');
        expect(decision?.note, day).not.toContain('LLM unavailable');
      }
    }
    expect(output.llmBudgetStop).toEqual({ ts: expect.stringMatching(/^2023-01-17/), variant: 'all' });
    expect(llm.budget.stop()).toMatchObject({ budget: 'run', limitUsd: TWO_DECISION_TIMES_USD });
    const json = JSON.parse(renderJsonReport(output.report));
    expect(json.llmUsage.budgetExhaustedAt).toMatch(/^2023-01-17/);
    expect(json.llmUsage.budgetExhaustedInVariant).toBe('all');
  });

  it('prints the upper-bound estimate (agents × decision times × runs) before the run and honours --llm-budget-usd', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ats-backtest-llm-budget-'));
    const before = fake.requests.length;
    const run = await runBacktesterCli(
      [
        '--symbols=AAPL,MSFT',
        '--start=2023-01-01',
        '--end=2023-01-31',
        '--no-attribution',
        '--llm=openai',
        `--llm-budget-usd=${TWO_DECISION_TIMES_USD}`,
        '--store=never',
        '--no-progress',
        `--out=${out}`,
      ],
      { ...process.env, ...env, NO_COLOR: '1', NATS__URL: 'nats://127.0.0.1:1' },
    );
    expect(run.status, run.stderr).toBe(0);

    const calls = LLM_AGENTS * JANUARY_2023_WEEKLY.length * 1;
    const prompt = calls * (ESTIMATED_PROMPT_TOKENS_PER_CALL + 2 * ESTIMATED_PROMPT_TOKENS_PER_SYMBOL);
    const completion = calls * MAX_TOKENS;
    const cost = (prompt * 0.15 + completion * 0.6) / 1e6;
    expect(run.stderr).toContain(
      `LLM estimate (upper bound: cache hits cost nothing, answers at max tokens): ${calls} calls, ` +
        `${prompt} prompt + ${completion} completion tokens, $${cost.toFixed(4)}`,
    );
    // The estimate comes before the run, the budget stop after it.
    expect(run.stderr.indexOf('LLM estimate')).toBeLessThan(run.stderr.indexOf('LLM budget reached'));
    expect(run.stderr).toMatch(/LLM budget reached: decisions from 2023-01-17\S* \(all\) on are rule-based/);
    expect(run.stdout).toMatch(/LLM budget reached: rule-based decisions from 2023-01-17\S* \(all\)/);
    expect(fake.requests.length - before).toBe(2 * LLM_AGENTS);
    const json = JSON.parse(
      readFileSync(reportFile(out, 'backtest-multi-agent-2023-01-01-2023-01-31', 'json'), 'utf8'),
    );
    expect(json.llmUsage).toMatchObject({
      calls: 2 * LLM_AGENTS,
      budgetExhaustedAt: expect.stringMatching(/^2023-01-17/),
    });
  });

  it("counts the UTC day's earlier spend from the Postgres answer cache toward the day budget", async () => {
    // A day of its own, far ahead: only the rows planted here fall on it.
    const day = new Date(Date.UTC(2090 + randomInt(0, 9), randomInt(0, 12), randomInt(1, 29), 12));
    const earlier = 0.5;
    await plantSpend(new Date(day.getTime() - 6 * 3_600_000), earlier);
    await plantSpend(new Date(day.getTime() - 24 * 3_600_000), 100); // the day before: not counted
    const config = loadConfig({ env, envFile: null });
    const llm = await buildReasoner('openai', config.llm, {
      prisma,
      clock: { now: () => day },
      client: { requestsPerMinute: 60_000, burst: 1_000 },
      // Room for two calls after the day's earlier spend.
      budget: { perDayUsd: earlier + 1.5 * COST_PER_CALL },
    });
    expect(llm.budget.dayCounter).toBe('postgres');
    const marketData = await openMarketDataPort(config, { evidence: evidenceSourceFromConfig });
    const before = fake.requests.length;
    const output = await runBacktestJob(
      { ...request, end: '2023-01-13' },
      { bars: marketData, reasoners: llm.reasoners, agentConfigs: llm.agents, llmUsage: llm.usage },
    ).finally(() => marketData.close());
    expect(fake.requests.length - before).toBe(2);
    expect(llm.budget.stop()).toMatchObject({ budget: 'day', limitUsd: earlier + 1.5 * COST_PER_CALL });
    expect(output.llmBudgetStop?.ts).toMatch(/^2023-01-03/);
    expect(output.result.decisions[0]?.note).toContain('LLM budget per day reached');
  });
});
