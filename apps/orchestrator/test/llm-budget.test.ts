import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ESTIMATED_PROMPT_TOKENS_PER_CALL, ESTIMATED_PROMPT_TOKENS_PER_SYMBOL } from '@ats/llm';
import { bundledEntry, testServices, uniqueName } from '@ats/tool-testing';
import { FAKE_GPT_4O_MINI_CALL_USD, FakeOpenAiServer } from '@ats/tool-testing/fake-openai-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropNamespace } from './support';

const run = promisify(execFile);
const appDir = fileURLToPath(new URL('..', import.meta.url));
/** The embedded team's four LLM calls per cycle (technical, sentiment, risk, portfolio). */
const LLM_AGENTS = 4;
/** 2023-01-03 .. 2023-01-10: six trading days, six cycles. */
const CYCLES = 6;
const MAX_TOKENS = 700;
const COST_PER_CALL = FAKE_GPT_4O_MINI_CALL_USD;
/** Room for two cycles' calls: the 8th call crosses it, the 9th (third cycle) is refused. */
const TWO_CYCLES_USD = (2 * LLM_AGENTS - 0.5) * COST_PER_CALL;

let fake: FakeOpenAiServer;
beforeAll(async () => {
  fake = await FakeOpenAiServer.start();
});
afterAll(async () => {
  await fake?.close();
});

describe('orchestrator paper run under an LLM budget (embedded agents, loopback OpenAI endpoint)', () => {
  it('prints the estimate first, stops asking the model once the run budget is spent, and says from which bar', async () => {
    const { databaseUrl, natsUrl } = testServices();
    const namespace = uniqueName('orchllmbudget');
    try {
      const { stdout, stderr } = await run(
        process.execPath,
        [
          ...bundledEntry('src/cli.ts'),
          '--symbols=AAPL,MSFT',
          '--replay-from=2023-01-03',
          '--replay-to=2023-01-10',
          '--mode=paper',
          '--agents=embedded',
          '--json',
          `--llm-budget-usd=${TWO_CYCLES_USD}`,
          `--namespace=${namespace}`,
        ],
        {
          cwd: appDir,
          env: {
            ...process.env,
            DATABASE__URL: databaseUrl,
            NATS__URL: natsUrl,
            LLM__PROVIDER: 'openai',
            LLM__MODEL: 'gpt-4o-mini',
            LLM__BASE_URL: fake.baseUrl,
            LLM__CACHE_MODE: 'off',
            LLM__RETRY_ATTEMPTS: '2',
            LLM__MAX_TOKENS: String(MAX_TOKENS),
            OPENAI_API_KEY: 'sk-test-not-a-key',
          },
        },
      );
      const calls = LLM_AGENTS * CYCLES;
      const prompt = calls * (ESTIMATED_PROMPT_TOKENS_PER_CALL + 2 * ESTIMATED_PROMPT_TOKENS_PER_SYMBOL);
      const completion = calls * MAX_TOKENS;
      expect(stderr).toContain(
        `LLM estimate (upper bound: cache hits cost nothing, answers at max tokens): ${calls} calls, ` +
          `${prompt} prompt + ${completion} completion tokens, $${((prompt * 0.15 + completion * 0.6) / 1e6).toFixed(4)}`,
      );
      expect(stderr.indexOf('LLM estimate')).toBeLessThan(stderr.indexOf('LLM budget reached'));
      // Two cycles asked the model; none after (retries allowed, yet a refusal is never retried).
      expect(fake.requests).toHaveLength(2 * LLM_AGENTS);
      expect(stderr).toMatch(
        /LLM budget reached: rule-based decisions from 2023-01-05\S* \(4 cycles; \$0\.0014 spent\)/,
      );

      const lines = stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      const cycles = lines.filter((line) => line.type !== 'summary');
      expect(cycles).toHaveLength(CYCLES);
      // The first two cycles decided with the model; from the third every LLM agent was left to its rules.
      const budgetStops = (cycle: { degraded: { agent: string; reason: string }[] }) =>
        cycle.degraded.filter((d) => d.reason.includes('LLM budget per run reached')).map((d) => d.agent);
      expect(cycles.slice(0, 2).map((c) => c.degraded)).toEqual([[], []]);
      for (const cycle of cycles.slice(2))
        expect(budgetStops(cycle).sort()).toEqual(['portfolio', 'risk', 'sentiment', 'technical']);
      // A budget stop is a chosen fallback: the run is not failed as degraded.
      const summary = lines.at(-1);
      expect(summary.degraded).toMatchObject({
        degradedCycles: 0,
        failed: false,
        llmBudget: { cycles: 4, reachedAt: expect.stringMatching(/^2023-01-05/) },
      });
    } finally {
      await dropNamespace(natsUrl, namespace);
    }
  });
});
