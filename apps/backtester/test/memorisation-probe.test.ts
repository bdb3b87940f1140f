import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReasoner, runBacktestJob } from '@ats/backtest-jobs';
import { loadConfig } from '@ats/config';
import { BacktestRequestSchema } from '@ats/contracts';
import { evidenceSourceFromConfig } from '@ats/evidence';
import { openMarketDataPort } from '@ats/market-data';
import { renderJsonReport, renderTearSheet } from '@ats/reports';
import { within } from '@ats/tool-testing';
import {
  FAKE_REASONING_MARK,
  type FakeDecision,
  FakeOpenAiServer,
} from '@ats/tool-testing/fake-openai-server';
import { afterAll, describe, expect, it } from 'vitest';
import { reportFile } from './support/report-files';
import { runBacktesterCli } from './support/run-cli';

/** The CLI with the test's provider settings; NATS unreachable on purpose (no agent services). */
const runCli = (args: readonly string[], env: Record<string, string>) =>
  runBacktesterCli(args, { ...process.env, ...env, NO_COLOR: '1', NATS__URL: 'nats://127.0.0.1:1' });

/** The LLM team's four calls per decision time. */
const LLM_AGENTS = 4;
const request = BacktestRequestSchema.parse({
  symbols: ['AAPL', 'MSFT'],
  start: '2023-01-01',
  end: '2023-03-31',
  rebalance: 'weekly',
  attribution: false,
  llmProvider: 'openai',
  anonymise: true,
});
/** Anything in a prompt that tells the model which companies or which (real) dates it is looking at. */
const IDENTIFYING = /\b(AAPL|MSFT|NVDA|TSLA|SPY|Apple|Microsoft)\b|\b20[0-2]\d-\d\d-\d\d/;

const fakes: FakeOpenAiServer[] = [];
afterAll(async () => {
  for (const fake of fakes) await fake.close();
});

/** The job with the probe, against a fake whose batch answers `decide` shapes; no cache, so every call is seen. */
async function probeWith(decide?: (echo: FakeDecision) => FakeDecision) {
  const fake = await FakeOpenAiServer.start(decide);
  fakes.push(fake);
  const config = loadConfig({
    env: {
      LLM__MODEL: 'gpt-4o-mini',
      LLM__BASE_URL: fake.baseUrl,
      LLM__CACHE_MODE: 'off',
      LLM__RETRY_ATTEMPTS: '0',
      OPENAI_API_KEY: 'sk-test-not-a-key',
    },
    envFile: null,
  });
  const llm = await buildReasoner('openai', config.llm, {
    client: { requestsPerMinute: 60_000, burst: 1_000 },
  });
  const marketData = await openMarketDataPort(config, { evidence: evidenceSourceFromConfig });
  const output = await runBacktestJob(request, {
    bars: marketData,
    reasoners: llm.reasoners,
    agentConfigs: llm.agents,
    llmUsage: llm.usage,
    anonymised: llm.anonymised(request.symbols),
  }).finally(() => marketData.close());
  return { fake, output, probe: output.report.memorisationProbe };
}

describe('memorisation probe (--anonymise) against a loopback OpenAI endpoint', () => {
  it('asks the model with neutral ids and shifted dates, maps its answers back, and shows no gap for a model that reads only the figures', async () => {
    const { fake, output, probe } = await probeWith();
    const decisionTimes = output.result.decisions.length;
    expect(decisionTimes).toBe(13);
    // The named run, then the anonymised one: the same calls, the second half without a name or a real date.
    expect(fake.requests).toHaveLength(2 * decisionTimes * LLM_AGENTS);
    const named = fake.requests.slice(0, decisionTimes * LLM_AGENTS);
    const blind = fake.requests.slice(decisionTimes * LLM_AGENTS);
    expect(named.every((r) => /\bAAPL\b/.test(r.user) && /\b2023-\d\d-\d\d/.test(r.user))).toBe(true);
    for (const r of blind) {
      expect(`${r.system}\n${r.user}`).not.toMatch(IDENTIFYING);
      expect(r.user).toMatch(/ASSET_\d\d/);
      expect(r.user).toMatch(/\b207\d-\d\d-\d\d/);
    }
    // Headlines reached the anonymised sentiment prompts with the company named by its id only.
    const sentiment = blind.filter((r) => r.schemaName === 'sentiment_decisions').map((r) => r.user);
    expect(sentiment.some((user) => /ASSET_\d\d/.test(user) && /headline|text/i.test(user))).toBe(true);

    if (!probe) throw new Error('no memorisation probe in the report');
    const aapl = probe.aliases.find((a) => a.symbol === 'AAPL');
    expect(aapl?.neutralId).toMatch(/^ASSET_\d\d$/);
    // The echoing model sees the same figures in both runs, so every call and every figure is the same.
    expect(probe.decisions.length).toBeGreaterThan(0);
    expect(probe.decisions.every((d) => d.symbol === 'AAPL' || d.symbol === 'MSFT')).toBe(true);
    for (const agent of probe.agreement) {
      expect(agent.agreement, agent.agent).toBe(1);
      expect(agent.meanAbsConfidenceGap, agent.agent).toBe(0);
    }
    expect(probe.gap).toEqual({ totalReturn: 0, sharpe: 0, maxDrawdown: 0, tradeCount: 0 });
    expect(probe.named.totalReturn).toBe(output.performance.metrics.totalReturn);
    // The answers came from the model (mapped back to tickers), not from the rules after a failed call.
    expect(output.degradedDecisions).toEqual([]);
    const json = JSON.parse(renderJsonReport(output.report));
    expect(json.memorisationProbe.aliases).toContainEqual({ symbol: 'MSFT', neutralId: expect.any(String) });
    expect(json.llmUsage.calls).toBe(2 * decisionTimes * LLM_AGENTS);
  });

  it('shows the gap of a model that trades on what it remembers about the names', async () => {
    // Told a real ticker, this model "remembers" it went up and buys with conviction; told a neutral id, it can
    // only echo the rules.
    const remembers = (echo: FakeDecision): FakeDecision =>
      /^ASSET_/.test(echo.symbol)
        ? echo
        : { ...echo, signal: 'BUY', confidence: 0.95, reasoning: `${FAKE_REASONING_MARK}: I know this one` };
    const { probe, output } = await probeWith(remembers);
    if (!probe) throw new Error('no memorisation probe in the report');
    const technical = probe.agreement.find((a) => a.agent === 'technical');
    expect(technical?.agreement).toBeLessThan(1);
    expect(technical?.meanAbsConfidenceGap).toBeGreaterThan(0);
    const differing = probe.decisions.filter((d) => d.named.signal !== d.anonymised.signal);
    expect(differing.length).toBeGreaterThan(0);
    expect(differing.every((d) => d.named.signal === 'BUY')).toBe(true);
    expect(probe.gap.totalReturn).not.toBe(0);
    const html = renderTearSheet(output.report);
    expect(html).toContain('<section id="memorisation-probe"><h2>Memorisation probe</h2>');
    expect(html).toContain(`${differing.length} of ${probe.decisions.length} calls differ`);
  });

  it(
    'runs from the CLI with --anonymise: the console, the JSON and the tear sheet show both runs',
    async () => {
      const fake = await FakeOpenAiServer.start();
      fakes.push(fake);
      const out = mkdtempSync(join(tmpdir(), 'ats-backtest-anonymise-'));
      const run = await runCli(
        [
          '--symbols=AAPL,MSFT',
          '--start=2023-01-01',
          '--end=2023-01-31',
          '--no-attribution',
          '--llm=openai',
          '--anonymise',
          '--store=never',
          '--no-progress',
          `--out=${out}`,
        ],
        {
          LLM__MODEL: 'gpt-4o-mini',
          LLM__BASE_URL: fake.baseUrl,
          LLM__CACHE_MODE: 'off',
          OPENAI_API_KEY: 'sk-test-not-a-key',
        },
      );
      expect(run.status, run.stderr).toBe(0);
      // Five weekly decision times, four agents, two runs: the estimate counts the probe's run too.
      expect(run.stderr).toContain(
        'LLM estimate (upper bound: cache hits cost nothing, answers at max tokens): 40 calls',
      );
      expect(fake.requests).toHaveLength(40);
      expect(run.stdout).toMatch(/Memorisation probe \(neutral ids, dates shifted 18340 days\)/);
      expect(run.stdout).toMatch(/^gap\s+\+?0\.00%\s+\+?0\.00/m);
      const prefix = 'backtest-multi-agent-2023-01-01-2023-01-31';
      const json = JSON.parse(readFileSync(reportFile(out, prefix, 'json'), 'utf8'));
      expect(json.config.request.anonymise).toBe(true);
      expect(json.memorisationProbe.gap).toEqual({
        totalReturn: 0,
        sharpe: 0,
        maxDrawdown: 0,
        tradeCount: 0,
      });
      expect(readFileSync(reportFile(out, prefix, 'html'), 'utf8')).toContain('id="memorisation-probe"');

      const refused = await runCli(['--anonymise', '--no-attribution', '--store=never', `--out=${out}`], {});
      expect(refused.status).toBe(2);
      expect(refused.stderr).toMatch(/anonymise.*needs the multi-agent strategy and an LLM provider/);
      expect(refused.stderr).not.toMatch(/\n\s+at /);
    },
    within(240_000),
  );

  it('refuses a probe without an LLM: the rules do not read names', () => {
    expect(() =>
      BacktestRequestSchema.parse({ ...request, llmProvider: 'offline', anonymise: true }),
    ).toThrow(/anonymise.*needs the multi-agent strategy and an LLM provider/);
  });
});
