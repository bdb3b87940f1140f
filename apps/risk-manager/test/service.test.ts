import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { RemoteRiskAgent } from '@ats/agent-rpc';
import { buildSnapshot, type DecisionContext, RiskManagerAgent } from '@ats/agents';
import { connectBus, type NatsBus } from '@ats/bus';
import { AgentMessages, type NewsItem, Streams, Subjects, TradingMessages } from '@ats/contracts';
import { LocalCsvProvider } from '@ats/market-data';
import { parseExposition, sampleSum } from '@ats/metrics';
import { createLogger } from '@ats/observability';
import { eventually, freePort, testServices, uniqueName } from '@ats/tool-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const logger = createLogger({ service: 'risk-manager-test', level: 'warn' });
const service = uniqueName('risk-manager');
let child: ChildProcess;
let client: NatsBus;
let port: number;

beforeAll(async () => {
  const { natsUrl, databaseUrl } = testServices();
  client = await connectBus({ url: natsUrl, name: 'risk-manager-client', logger });
  port = await freePort();
  child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: {
      ...process.env,
      NATS__URL: natsUrl,
      DATABASE__URL: databaseUrl,
      SERVICE__NAME: service,
      SERVICE__METRICS_PORT: String(port),
      LOG_LEVEL: 'warn',
      ENVIRONMENT: 'test',
      LLM__PROVIDER: 'offline',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
});

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await client?.close();
});

async function contextOf(symbols: readonly string[], correlationId: string) {
  const provider = new LocalCsvProvider();
  const news: NewsItem[] = [
    {
      id: 'n-aapl',
      source: 'test-wire',
      publishedAt: '2023-03-31T14:00:00.000Z',
      title: 'Apple beats estimates as iPhone sales surge to a record',
      summary: 'Upbeat guidance.',
      symbols: ['AAPL'],
    },
  ];
  const snapshots = await Promise.all(
    symbols.map(async (symbol) =>
      buildSnapshot(
        symbol,
        await provider.loadBars(symbol, { from: '2021-06-01', to: '2023-03-31' }),
        undefined,
        {
          news,
        },
      ),
    ),
  );
  const asOf = snapshots[0]?.asOf ?? '';
  const ctx: DecisionContext = {
    asOf,
    correlationId,
    snapshots,
    news,
    portfolio: { asOf, cash: 100_000, equity: 100_000, positions: [] },
    equityHistory: [100_000],
  };
  return ctx;
}

describe('risk-manager process', () => {
  it('starts, beats, answers analyze requests, and drains on SIGTERM', async () => {
    const beats: string[] = [];
    const watching = await client.subscribe(Subjects.heartbeat(service), AgentMessages.heartbeat, (m) => {
      beats.push(m.data.instanceId);
    });
    const health = await eventually(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      return res.ok ? ((await res.json()) as Record<string, unknown>) : undefined;
    });
    expect(health).toMatchObject({ status: 'ok', agent: 'risk', service, version: '0.1.0' });

    const ctx = await contextOf(['AAPL', 'MSFT', 'NVDA'], `app-${service}`);
    const report = await new RemoteRiskAgent(client, { timeoutMs: 10_000 }).analyze({
      ctx,
      priorDecisions: [],
    });
    const local = new RiskManagerAgent().decide({ ctx, priorDecisions: [] });
    expect(report.assessment).toEqual(local.assessment);
    expect(report.sizes.map((s) => s.symbol)).toEqual(['AAPL', 'MSFT', 'NVDA']);
    const stored = await client.history(Subjects.riskAssessment, TradingMessages.riskAssessment, {
      stream: Streams.decisions.name,
      from: new Date(Date.now() - 60_000),
      to: new Date(Date.now() + 1_000),
    });
    expect(stored.filter((m) => m.correlationId === ctx.correlationId)).toHaveLength(1);

    await eventually(async () => (beats.length > 0 ? true : undefined), {
      timeoutMs: 10_000,
      what: 'a heartbeat',
    });
    expect(beats[0]).toMatch(new RegExp(`^${service}-`));

    // The same port serves Prometheus: the request above is timed, and the bus counts what it sent.
    const scrape = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(scrape.status).toBe(200);
    const samples = parseExposition(await scrape.text());
    const labels = { agent: 'risk', provider: 'offline', model: 'rules', service };
    expect(sampleSum(samples, 'ats_agent_response_seconds_count', labels)).toBe(1);
    expect(sampleSum(samples, 'ats_agent_response_seconds_sum', labels)).toBeGreaterThan(0);
    expect(sampleSum(samples, 'ats_bus_messages_published_total')).toBeGreaterThan(0);
    expect(sampleSum(samples, 'ats_bus_messages_delivered_total')).toBeGreaterThan(0);
    expect(sampleSum(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sampleSum(samples, 'ats_errors_total')).toBe(0);
    expect(health).toHaveProperty('natsRttMs');

    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    await watching.close();
  });
});
