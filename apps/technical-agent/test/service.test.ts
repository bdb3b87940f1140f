import { fileURLToPath } from 'node:url';
import { RemoteSignalAgent } from '@ats/agent-rpc';
import { buildSnapshot } from '@ats/agents';
import { connectBus, type NatsBus } from '@ats/bus';
import { AgentMessages, Subjects } from '@ats/contracts';
import { createPrismaClient } from '@ats/db';
import { LocalCsvProvider } from '@ats/market-data';
import { parseExposition, sampleSum } from '@ats/metrics';
import { createLogger } from '@ats/observability';
import {
  eventually,
  type ServiceProcess,
  spawnServiceProcess,
  testRequestTimeoutMs,
  testServices,
  uniqueName,
} from '@ats/tool-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const logger = createLogger({ service: 'technical-agent-test', level: 'warn' });
const service = uniqueName('technical-agent');
let agentProcess: ServiceProcess;
let client: NatsBus;

beforeAll(async () => {
  const { natsUrl } = testServices();
  client = await connectBus({ url: natsUrl, name: 'technical-agent-client', logger });
  agentProcess = await spawnServiceProcess({
    appDir: fileURLToPath(new URL('..', import.meta.url)),
    serviceName: service,
  });
});

afterAll(async () => {
  agentProcess?.kill();
  await client?.close();
});

describe('technical-agent process', () => {
  it('starts, beats, answers analyze requests, and drains on SIGTERM', async () => {
    const beats: string[] = [];
    const watching = await client.subscribe(Subjects.heartbeat(service), AgentMessages.heartbeat, (m) => {
      beats.push(m.data.instanceId);
    });
    const health = await agentProcess.healthy();
    expect(health).toMatchObject({ status: 'ok', agent: 'technical', service, version: '0.1.0' });

    const { bars } = await new LocalCsvProvider().fetchBars({
      symbol: 'MSFT',
      timeframe: '1d',
      from: '2022-01-01',
      to: '2023-03-31',
    });
    const snapshot = buildSnapshot('MSFT', bars);
    const asOf = snapshot.asOf;
    const batch = await new RemoteSignalAgent(client, 'technical', {
      timeoutMs: testRequestTimeoutMs(),
    }).analyze({
      ctx: {
        asOf,
        correlationId: `app-${service}`,
        snapshots: [snapshot],
        news: [],
        portfolio: { asOf, cash: 100_000, equity: 100_000, positions: [] },
      },
      priorDecisions: [],
    });
    expect(batch.decisions).toMatchObject([{ agent: 'technical', symbol: 'MSFT', ts: asOf }]);
    const prisma = createPrismaClient(testServices().databaseUrl);
    const stored = await prisma.decision.findMany({ where: { correlationId: `app-${service}` } });
    await prisma.$disconnect();
    expect(stored.map((d) => [d.agent, d.symbol, d.reasoning])).toEqual([
      ['technical', 'MSFT', batch.decisions[0]?.reasoning],
    ]);
    await eventually(async () => (beats.length > 0 ? true : undefined), {
      timeoutMs: 30_000,
      what: 'a heartbeat',
    });
    expect(beats[0]).toMatch(new RegExp(`^${service}-`));

    // The same port serves Prometheus: the request above is timed, and the bus counts what it sent.
    const samples = parseExposition(await agentProcess.scrape());
    const labels = { agent: 'technical', provider: 'offline', model: 'rules', service };
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
