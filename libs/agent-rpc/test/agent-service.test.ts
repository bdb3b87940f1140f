import type { RiskAgent, RiskRequest } from '@ats/agents';
import { RiskManagerAgent } from '@ats/agents';
import { connectBus, type NatsBus } from '@ats/bus';
import { createLogger } from '@ats/observability';
import { contextAt, eventually, testRequestTimeoutMs, testServices, uniqueName } from '@ats/tool-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentRpcSubjects, HeartbeatMonitor, RemoteRiskAgent, startAgentService } from '../src/index';

const logger = createLogger({ service: 'agent-service-test', level: 'warn' });
const namespace = uniqueName('agentsvc');
const subjects = agentRpcSubjects(namespace);
let serverBus: NatsBus;
let client: NatsBus;

beforeAll(async () => {
  serverBus = await connectBus({ url: testServices().natsUrl, name: 'risk-service', logger });
  client = await connectBus({ url: testServices().natsUrl, name: 'agent-service-client', logger });
});

afterAll(async () => {
  await client?.deleteStream(subjects.decisionsStream.name);
  await serverBus?.close();
  await client?.close();
});

const until = (what: string, condition: () => boolean) =>
  eventually(async () => (condition() ? true : undefined), { intervalMs: 20, what });

/**
 * The real risk manager, held at a gate the test opens, so a request is still in flight when the service is told to
 * stop however slow the machine is (a fixed delay would only hold on a quiet one).
 */
class GatedRiskAgent implements RiskAgent {
  readonly #inner = new RiskManagerAgent();
  readonly config = this.#inner.config;
  #open!: () => void;
  readonly #gate = new Promise<void>((resolve) => {
    this.#open = resolve;
  });
  open(): void {
    this.#open();
  }
  async analyze(request: RiskRequest) {
    await this.#gate;
    return this.#inner.analyze(request);
  }
}

describe('agent service: heartbeats, /health, drain', () => {
  it('beats, reports health, and on stop answers the request in flight while /health says draining', async () => {
    const service = `risk-manager-${namespace}`;
    // Beats every 100 ms; stale after 2 s, so a busy machine delaying a few beats does not read as a death.
    const monitor = new HeartbeatMonitor({ staleAfterMs: 2_000 });
    const gated = new GatedRiskAgent();
    const watching = await monitor.start(client, subjects.allHeartbeats);
    const running = await startAgentService({
      bus: serverBus,
      agent: 'risk',
      local: gated,
      logger,
      service,
      version: '9.9.9',
      heartbeatIntervalMs: 100,
      healthPort: 0,
      healthHost: '127.0.0.1',
      subjects,
    });
    await until('the first heartbeat', () => monitor.isAlive(service));
    expect(monitor.instances()).toMatchObject([
      { service, instanceId: running.instanceId, version: '9.9.9' },
    ]);

    const health = `http://127.0.0.1:${running.healthPort}/health`;
    const ok = await fetch(health);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: 'ok', agent: 'risk', service, handled: 0, inflight: 0 });
    expect((await fetch(`http://127.0.0.1:${running.healthPort}/metrics`)).status).toBe(404);

    const ctx = await contextAt('2023-06-30', `drain-${namespace}`, ['AAPL', 'MSFT']);
    const pending = new RemoteRiskAgent(client, { subjects, timeoutMs: testRequestTimeoutMs() }).analyze({
      ctx,
      priorDecisions: [],
    });
    await until('the request in flight', () => running.served.load().inflight === 1);
    const stopping = running.stop();
    const draining = await fetch(health);
    expect(draining.status).toBe(503);
    expect(await draining.json()).toMatchObject({ status: 'draining', inflight: 1 });
    gated.open();
    const report = await pending;
    expect(report.assessment.correlationId).toBe(ctx.correlationId);
    expect(Object.keys(report.assessment.maxWeightBySymbol)).toEqual(['AAPL', 'MSFT']);
    await stopping;
    expect(running.served.load()).toMatchObject({ inflight: 0, handled: 1, failed: 0, recordFailures: 0 });
    await expect(fetch(health)).rejects.toThrow();
    // No more beats: the monitor calls the service dead once the last one is older than staleAfterMs.
    await until('the service to go stale', () => !monitor.isAlive(service));
    await watching.close();
  });
});
