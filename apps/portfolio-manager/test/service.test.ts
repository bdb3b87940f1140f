import { fileURLToPath } from 'node:url';
import { RemotePortfolioAgent } from '@ats/agent-rpc';
import { PortfolioManagerAgent, RiskManagerAgent, TechnicalAgent } from '@ats/agents';
import { connectBus, type NatsBus } from '@ats/bus';
import { AgentMessages, Subjects } from '@ats/contracts';
import { createPrismaClient } from '@ats/db';
import { parseExposition, sampleSum } from '@ats/metrics';
import { createLogger } from '@ats/observability';
import {
  contextAt,
  eventually,
  type ServiceProcess,
  spawnServiceProcess,
  testRequestTimeoutMs,
  testServices,
  uniqueName,
} from '@ats/tool-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const logger = createLogger({ service: 'portfolio-manager-test', level: 'warn' });
const service = uniqueName('portfolio-manager');
let agentProcess: ServiceProcess;
let client: NatsBus;

beforeAll(async () => {
  const { natsUrl } = testServices();
  client = await connectBus({ url: natsUrl, name: 'portfolio-manager-client', logger });
  agentProcess = await spawnServiceProcess({
    appDir: fileURLToPath(new URL('..', import.meta.url)),
    serviceName: service,
  });
});

afterAll(async () => {
  agentProcess?.kill();
  await client?.close();
});

describe('portfolio-manager process', () => {
  it('starts, beats, answers analyze requests, and drains on SIGTERM', async () => {
    const beats: string[] = [];
    const watching = await client.subscribe(Subjects.heartbeat(service), AgentMessages.heartbeat, (m) => {
      beats.push(m.data.instanceId);
    });
    const health = await agentProcess.healthy();
    expect(health).toMatchObject({ status: 'ok', agent: 'portfolio', service, version: '0.1.0' });

    const ctx = await contextAt('2023-03-31', `app-${service}`, ['AAPL', 'MSFT', 'NVDA']);
    const decisions = new TechnicalAgent().decide({ ctx, priorDecisions: [] });
    const risk = new RiskManagerAgent().decide({ ctx, priorDecisions: decisions });
    const request = { ctx, decisions, risk, degraded: [] };
    const plan = await new RemotePortfolioAgent(client, { timeoutMs: testRequestTimeoutMs() }).analyze(
      request,
    );
    const local = new PortfolioManagerAgent().decide(request);
    expect(plan.targets).toEqual(local.targets);
    expect(plan.decisions.map((d) => [d.symbol, d.signal, d.reasoning])).toEqual(
      local.decisions.map((d) => [d.symbol, d.signal, d.reasoning]),
    );
    const prisma = createPrismaClient(testServices().databaseUrl);
    const stored = await prisma.decision.findMany({ where: { correlationId: ctx.correlationId } });
    await prisma.$disconnect();
    expect(stored.map((d) => `${d.agent}:${d.symbol}`).sort()).toEqual([
      'portfolio:AAPL',
      'portfolio:MSFT',
      'portfolio:NVDA',
    ]);

    await eventually(async () => (beats.length > 0 ? true : undefined), {
      timeoutMs: 30_000,
      what: 'a heartbeat',
    });
    expect(beats[0]).toMatch(new RegExp(`^${service}-`));

    // The same port serves Prometheus: the request above is timed, and the bus counts what it sent.
    const samples = parseExposition(await agentProcess.scrape());
    const labels = { agent: 'portfolio', provider: 'offline', model: 'rules', service };
    expect(sampleSum(samples, 'ats_agent_response_seconds_count', labels)).toBe(1);
    expect(sampleSum(samples, 'ats_agent_response_seconds_sum', labels)).toBeGreaterThan(0);
    expect(sampleSum(samples, 'ats_bus_messages_published_total')).toBeGreaterThan(0);
    expect(sampleSum(samples, 'ats_bus_messages_delivered_total')).toBeGreaterThan(0);
    expect(sampleSum(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sampleSum(samples, 'ats_errors_total')).toBe(0);
    expect(health).toHaveProperty('natsRttMs');

    expect(await agentProcess.stop()).toBe(0);
    await watching.close();
  });
});
