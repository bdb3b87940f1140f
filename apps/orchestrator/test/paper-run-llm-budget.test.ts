import { type Bus, connectBus } from '@ats/bus';
import { loadConfig } from '@ats/config';
import { namespacedSubject, systemClock } from '@ats/contracts';
import { createPrismaClient, type PrismaClient } from '@ats/db';
import { evidenceSourceFromConfig } from '@ats/evidence';
import { type MarketDataPort, openMarketDataPort } from '@ats/market-data';
import { createLogger } from '@ats/observability';
import { eventually, testRequestTimeoutMs, testServices, uniqueName, within } from '@ats/tool-testing';
import { FAKE_GPT_4O_MINI_CALL_USD, FakeOpenAiServer } from '@ats/tool-testing/fake-openai-server';
import { PrismaTradingStore } from '@ats/trading-state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedReasoners } from '../src/agents';
import { PaperRunExchange, type PaperRuns, servePaperRuns } from '../src/paper-runs';
import { dropNamespace } from './support';

const logger = createLogger({ service: 'orchestrator-test', level: 'warn' });
const namespace = uniqueName('orchpaperllm');
const LLM_AGENTS = 4;
/** 2023-01-03 .. 2023-01-10: six trading days. */
const CYCLES = 6;
const COST_PER_CALL = FAKE_GPT_4O_MINI_CALL_USD;
const TWO_CYCLES_USD = (2 * LLM_AGENTS - 0.5) * COST_PER_CALL;

let fake: FakeOpenAiServer;
let bus: Bus;
let prisma: PrismaClient;
let paperRuns: PaperRuns | undefined;
let marketData: MarketDataPort | undefined;

beforeAll(async () => {
  fake = await FakeOpenAiServer.start();
  const { natsUrl, databaseUrl } = testServices();
  bus = await connectBus({ url: natsUrl, name: 'orchestrator-paper-llm-test', logger });
  prisma = createPrismaClient(databaseUrl);
});
/** The process environment before the test set the service's LLM keys: restored after, for the files run next. */
const savedEnv = { ...process.env };
afterAll(async () => {
  process.env = savedEnv;
  await paperRuns?.stop();
  await marketData?.close();
  await bus?.close();
  await prisma?.$disconnect();
  await fake?.close();
  await dropNamespace(testServices().natsUrl, namespace);
});

describe('API paper runs under an LLM budget (the orchestrator service, embedded LLM agents)', () => {
  // Its own deadline, above the wait for the run's end (the project's 120 s would cut that wait short).
  it(
    "answers with the run's estimate and limits, and stops asking the model at the request's budget",
    async () => {
      // The service's configuration, as its process would read it: an LLM provider for the embedded agents.
      Object.assign(process.env, {
        LLM__PROVIDER: 'openai',
        LLM__MODEL: 'gpt-4o-mini',
        LLM__BASE_URL: fake.baseUrl,
        OPENAI_API_KEY: 'sk-test-not-a-key',
        LLM__CACHE_MODE: 'off',
        LLM__RETRY_ATTEMPTS: '0',
        LLM__TIMEOUT_MS: String(testRequestTimeoutMs()),
      });
      const reasoners = await embeddedReasoners(loadConfig().llm, prisma);
      const store = new PrismaTradingStore(prisma);
      // The service's port: bars and the point-in-time evidence the sentiment agent reads.
      marketData = await openMarketDataPort(loadConfig(), { evidence: evidenceSourceFromConfig });
      paperRuns = await servePaperRuns({
        bus,
        store,
        marketData,
        logger,
        clock: systemClock,
        agents: 'embedded',
        ...(reasoners ? { reasoners } : {}),
        // The configured day limit is far away; the request's own run budget is what stops the model.
        llmBudget: { provider: 'openai', limits: { perRunUsd: 100, perDayUsd: 1_000 }, prisma },
        namespace,
        initialCash: 100_000,
        pattern: 'sequential',
      });
      const runId = uniqueName('paper_llm').replace(/[^A-Za-z0-9_-]/g, '_');
      const reply = await bus.request(
        namespacedSubject(namespace, PaperRunExchange.subject),
        PaperRunExchange.request,
        PaperRunExchange.reply,
        {
          symbols: ['AAPL', 'MSFT'],
          from: '2023-01-03',
          to: '2023-01-10',
          runId,
          llmBudgetUsd: TWO_CYCLES_USD,
        },
        { timeoutMs: testRequestTimeoutMs(), correlationId: `${runId}-start` },
      );
      if (!reply.ok) throw new Error(`paper run refused: ${reply.error.message}`);
      expect(reply.data).toMatchObject({
        runId,
        status: 'started',
        llm: {
          estimate: { calls: LLM_AGENTS * CYCLES },
          budgetUsdPerRun: TWO_CYCLES_USD,
          budgetUsdPerDay: 1_000,
        },
      });
      expect(reply.data.llm?.estimate.costUsd).toBeGreaterThan(0);
      await eventually(async () => (paperRuns?.active === undefined ? true : undefined), {
        what: 'the paper run to end',
        timeoutMs: 240_000,
      });
      const run = await prisma.run.findUnique({ where: { id: runId } });
      expect(run?.status).toBe('completed');
      expect(await prisma.portfolioSnapshot.count({ where: { runId } })).toBe(CYCLES);
      // Two cycles' calls reached the provider; the rules decided the other four cycles.
      expect(fake.requests).toHaveLength(2 * LLM_AGENTS);
    },
    within(300_000),
  );
});
