import { fileURLToPath } from 'node:url';
import { RemoteRiskAgent } from '@ats/agent-rpc';
import { RiskManagerAgent } from '@ats/agents';
import { connectBus, type NatsBus } from '@ats/bus';
import { AgentMessages, Streams, Subjects, TradingMessages } from '@ats/contracts';
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

const logger = createLogger({ service: 'risk-manager-test', level: 'warn' });
const service = uniqueName('risk-manager');
let agentProcess: ServiceProcess;
let client: NatsBus;

beforeAll(async () => {
  const { natsUrl } = testServices();
  client = await connectBus({ url: natsUrl, name: 'risk-manager-client', logger });
  agentProcess = await spawnServiceProcess({
    appDir: fileURLToPath(new URL('..', import.meta.url)),
    serviceName: service,
  });
});

afterAll(async () => {
  agentProcess?.kill();
  await client?.close();
});

describe('risk-manager process', () => {
  it('starts, beats, answers analyze requests, and drains on SIGTERM', async () => {
    const beats: string[] = [];
    const watching = await client.subscribe(Subjects.heartbeat(service), AgentMessages.heartbeat, (m) => {
      beats.push(m.data.instanceId);
    });
    const health = await agentProcess.healthy();
    expect(health).toMatchObject({ status: 'ok', agent: 'risk', service, version: '0.1.0' });

    const ctx = await contextAt('2023-03-31', `app-${service}`, ['AAPL', 'MSFT', 'NVDA']);
    const report = await new RemoteRiskAgent(client, { timeoutMs: testRequestTimeoutMs() }).analyze({
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
      timeoutMs: 30_000,
      what: 'a heartbeat',
    });
    expect(beats[0]).toMatch(new RegExp(`^${service}-`));

    // The same port serves Prometheus: the request above is timed, and the bus counts what it sent.
    const samples = parseExposition(await agentProcess.scrape());
    const labels = { agent: 'risk', provider: 'offline', model: 'rules', service };
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
