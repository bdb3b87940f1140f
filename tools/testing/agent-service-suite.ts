import { connectBus, type NatsBus } from '@ats/bus';
import { AgentMessages, type AgentName, Subjects } from '@ats/contracts';
import { parseExposition, sampleSum } from '@ats/metrics';
import { createLogger } from '@ats/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServices, uniqueName } from './index';
import { type ServiceProcess, spawnServiceProcess } from './service-process';
import { eventually } from './waiting';

/** How long a fresh agent process may take to send its first heartbeat on a loaded machine. */
const FIRST_HEARTBEAT_MS = 30_000;

export interface AgentServiceCase {
  /** The app's name (`technical-agent`): the process's default service name and the test's title. */
  readonly app: string;
  /** Its folder: `src/main.ts` there is started as its own process. */
  readonly appDir: string;
  readonly agent: AgentName;
  /**
   * One analyze request to the running service through its remote proxy on `client`, with the app's own checks on
   * the answer (against the local agent) and on what it recorded; `correlationId` is unique to this run.
   */
  exchange(client: NatsBus, correlationId: string): Promise<void>;
}

/**
 * The process test every agent app runs: its real `main.ts` starts, reports healthy, beats, answers one request
 * (the app's `exchange`), times it in /metrics on the same port, and drains with exit code 0 on SIGTERM.
 */
export function describeAgentService(agentCase: AgentServiceCase): void {
  const service = uniqueName(agentCase.app);
  let agentProcess: ServiceProcess | undefined;
  let client: NatsBus | undefined;

  beforeAll(async () => {
    const logger = createLogger({ service: `${agentCase.app}-test`, level: 'warn' });
    client = await connectBus({ url: testServices().natsUrl, name: `${agentCase.app}-client`, logger });
    agentProcess = await spawnServiceProcess({ appDir: agentCase.appDir, serviceName: service });
  });

  afterAll(async () => {
    agentProcess?.kill();
    await client?.close();
  });

  describe(`${agentCase.app} process`, () => {
    it('starts, beats, answers analyze requests, and drains on SIGTERM', async () => {
      if (!client || !agentProcess) throw new Error(`${agentCase.app} test setup did not finish`);
      const beats: string[] = [];
      const watching = await client.subscribe(Subjects.heartbeat(service), AgentMessages.heartbeat, (m) => {
        beats.push(m.data.instanceId);
      });
      const health = await agentProcess.healthy();
      expect(health).toMatchObject({ status: 'ok', agent: agentCase.agent, service, version: '0.1.0' });

      await agentCase.exchange(client, `app-${service}`);

      await eventually(async () => (beats.length > 0 ? true : undefined), {
        timeoutMs: FIRST_HEARTBEAT_MS,
        what: 'a heartbeat',
      });
      expect(beats[0]).toMatch(new RegExp(`^${service}-`));

      // The same port serves Prometheus: the request above is timed, and the bus counts what it sent.
      const samples = parseExposition(await agentProcess.scrape());
      const labels = { agent: agentCase.agent, provider: 'offline', model: 'rules', service };
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
}
