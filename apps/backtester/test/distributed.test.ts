import {
  agentRpcSubjects,
  type LocalAgentOf,
  type RunningAgentService,
  startAgentService,
} from '@ats/agent-rpc';
import { PortfolioManagerAgent, RiskManagerAgent, SentimentAgent, TechnicalAgent } from '@ats/agents';
import { canonicalResultJson } from '@ats/backtest';
import { runBacktestJob } from '@ats/backtest-jobs';
import { connectBus, type NatsBus } from '@ats/bus';
import { type AgentName, BacktestRequestSchema } from '@ats/contracts';
import { LocalCsvProvider } from '@ats/market-data';
import { createLogger } from '@ats/observability';
import { renderJsonReport } from '@ats/reports';
import { testServices, uniqueName } from '@ats/tool-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteAgentsConfigError, remoteAgents } from '../src/remote-agents';

const logger = createLogger({ service: 'backtester-test', level: 'warn' });
const namespace = uniqueName('btdist');
const subjects = agentRpcSubjects(namespace);
const bars = new LocalCsvProvider();
const buses: NatsBus[] = [];
const services = new Map<AgentName, RunningAgentService>();
let client: NatsBus;

const connect = async (name: string) => {
  const bus = await connectBus({ url: testServices().natsUrl, name, logger });
  buses.push(bus);
  return bus;
};

const handled = () =>
  Object.fromEntries([...services].map(([agent, s]) => [agent, s.served.load().handled])) as Record<
    AgentName,
    number
  >;

beforeAll(async () => {
  // The four agents as four services (each on its own connection, as separate processes would be).
  const start = async <K extends AgentName>(agent: K, local: LocalAgentOf<K>) => {
    services.set(
      agent,
      await startAgentService({
        bus: await connect(agent),
        agent,
        local,
        logger,
        service: `${agent}-${namespace}`,
        version: 'test',
        subjects,
      }),
    );
  };
  await start('technical', new TechnicalAgent());
  await start('sentiment', new SentimentAgent());
  await start('risk', new RiskManagerAgent());
  await start('portfolio', new PortfolioManagerAgent());
  client = await connect('backtester-client');
});

afterAll(async () => {
  await Promise.all([...services.values()].map((s) => s.stop()));
  await client?.deleteStream(subjects.decisionsStream.name);
  await Promise.all(buses.map((b) => b.close()));
});

/**
 * Requests an agent handled for `times` decision times: a request that waits past the client's hedge delay (on busy
 * cores) is sent once more and may be handled twice (ReplicaFailover), so each reached it at least once, at most twice.
 */
function expectHandledOnceOrTwice(handled: number, times: number): void {
  expect(handled).toBeGreaterThanOrEqual(times);
  expect(handled).toBeLessThanOrEqual(2 * times);
}

describe('distributed mode: agents as services over NATS give the embedded decisions', () => {
  it('analysts and risk manager remote (the default), with the attribution runs', async () => {
    const request = BacktestRequestSchema.parse({
      symbols: ['AAPL', 'NVDA'],
      start: '2023-03-01',
      end: '2023-04-30',
      rebalance: 'weekly',
    });
    const embedded = await runBacktestJob(request, { bars });
    const before = handled();
    const distributed = await runBacktestJob(request, {
      bars,
      agents: remoteAgents(client, request, { namespace }),
    });
    const after = handled();

    // 9 weekly decision times × 5 runs (all, technical only, sentiment only, adaptive weights, without the risk
    // manager) reached each remote analyst; the risk manager sits out the run without it.
    const decisionTimes = embedded.result.decisions.length;
    expect(decisionTimes).toBe(9);
    for (const agent of ['technical', 'sentiment'] as const)
      expectHandledOnceOrTwice(after[agent] - before[agent], 5 * decisionTimes);
    expectHandledOnceOrTwice(after.risk - before.risk, 4 * decisionTimes);
    expect(after.portfolio - before.portfolio).toBe(0);

    expect(distributed.degradedDecisions).toEqual([]);
    expect(JSON.stringify(distributed.result.decisions)).toBe(JSON.stringify(embedded.result.decisions));
    expect(canonicalResultJson(distributed.result)).toBe(canonicalResultJson(embedded.result));
    expect(renderJsonReport(distributed.report)).toBe(renderJsonReport(embedded.report));
    expect(embedded.result.fills.length).toBeGreaterThan(0);
  });

  it('all four agents remote when the run uses the default weights and no attribution', async () => {
    const request = BacktestRequestSchema.parse({
      symbols: ['MSFT', 'TSLA'],
      start: '2023-05-01',
      end: '2023-06-30',
      rebalance: 'weekly',
      pattern: 'hierarchical',
      attribution: false,
    });
    const all: AgentName[] = ['technical', 'sentiment', 'risk', 'portfolio'];
    const embedded = await runBacktestJob(request, { bars });
    const before = handled();
    const distributed = await runBacktestJob(request, {
      bars,
      agents: remoteAgents(client, request, { namespace, remote: all }),
    });
    expectHandledOnceOrTwice(handled().portfolio - before.portfolio, embedded.result.decisions.length);
    expect(JSON.stringify(distributed.result.decisions)).toBe(JSON.stringify(embedded.result.decisions));
    expect(canonicalResultJson(distributed.result)).toBe(canonicalResultJson(embedded.result));
  });

  it('reports every decision time where a remote agent did not answer (no silent fallback)', async () => {
    const request = BacktestRequestSchema.parse({
      symbols: ['AAPL'],
      start: '2023-03-01',
      end: '2023-03-31',
      attribution: false,
    });
    const nobody = uniqueName('btnobody');
    const output = await runBacktestJob(request, {
      bars,
      agents: remoteAgents(client, request, { namespace: nobody, remote: ['technical'] }),
    });
    expect(output.degradedDecisions.map((d) => d.ts)).toEqual(output.result.decisions.map((d) => d.ts));
    expect(output.degradedDecisions[0]?.note).toMatch(/^degraded: technical: /);
  });

  it('refuses a remote portfolio manager when the run has its own weights', () => {
    const request = BacktestRequestSchema.parse({
      weights: { technical: 0.8, sentiment: 0.2 },
      attribution: false,
    });
    expect(() => remoteAgents(client, request, { namespace, remote: ['portfolio'] })).toThrow(
      RemoteAgentsConfigError,
    );
  });
});
