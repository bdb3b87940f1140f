/**
 * Two replicas of the technical agent; one dies while it holds a request (its connection closes, as a killed
 * process's does). The cycle must not wait out the agent's 30 s timeout and degrade: the request goes again to
 * the surviving replica and the cycle completes with its technical decisions.
 */
import {
  createAgentTeam,
  DEFAULT_AGENT_CONFIGS,
  type SignalBatch,
  type SignalRequest,
  TechnicalAgent,
} from '@ats/agents';
import { connectBus, type NatsBus } from '@ats/bus';
import { createLogger } from '@ats/observability';
import { AGENT_TEST_SYMBOLS, contextAt, testServices, uniqueName } from '@ats/tool-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentRpcSubjects,
  agentRpcTopology,
  RemoteSignalAgent,
  type ServedAgent,
  serveAgent,
} from '../src/index';

const logger = createLogger({ service: 'replica-failover-test', level: 'error' });
const namespace = uniqueName('failover');
const subjects = agentRpcSubjects(namespace);
/** Cycles before the kill: the proxy learns the agent's reply times (its hedge delay). */
const WARM_UP_CYCLES = 5;
/** Cycles tried until the queue group hands one to the replica that will die (each has even odds). */
const MAX_TRIES = 30;
const buses: NatsBus[] = [];
const served: ServedAgent[] = [];
let client: NatsBus;

/** A technical agent that, once armed, takes its next request and never answers: the process about to die. */
class DyingReplica extends TechnicalAgent {
  armed = false;
  onHeld: () => void = () => {};
  override analyze(request: SignalRequest): Promise<SignalBatch> {
    if (!this.armed) return super.analyze(request);
    this.armed = false;
    this.onHeld();
    return new Promise<SignalBatch>(() => {});
  }
}

const connect = async (name: string) => {
  const bus = await connectBus({ url: testServices().natsUrl, name, logger });
  buses.push(bus);
  return bus;
};

let dyingBus: NatsBus;
const dying = new DyingReplica();

beforeAll(async () => {
  client = await connect('failover-client');
  await client.ensureTopology(agentRpcTopology(subjects));
  dyingBus = await connect('technical-dying');
  served.push(await serveAgent(dyingBus, 'technical', dying, { logger, subjects }));
  served.push(
    await serveAgent(await connect('technical-survivor'), 'technical', new TechnicalAgent(), {
      logger,
      subjects,
    }),
  );
});

afterAll(async () => {
  await Promise.all(served.slice(1).map((s) => s.close()));
  await client?.deleteStream(subjects.decisionsStream.name);
  await Promise.all(buses.filter((b) => b !== dyingBus).map((b) => b.close()));
});

describe('a technical-agent replica killed mid-request', () => {
  it('the cycle completes with the technical decisions of the surviving replica, not after the agent timeout', async () => {
    const timeoutMs = DEFAULT_AGENT_CONFIGS.technical.timeoutMs;
    const technical = new RemoteSignalAgent(client, 'technical', { subjects });
    const team = createAgentTeam({}, { technical });
    for (let i = 0; i < WARM_UP_CYCLES; i++)
      await team.runCycle(await contextAt('2023-06-30', `${namespace}-warm-${i}`));

    dying.armed = true;
    for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
      let killedAt: number | undefined;
      dying.onHeld = () => {
        killedAt = performance.now();
        // The replica's process dies: its connection (and its queue subscription) goes at once.
        void dyingBus.connection.close();
      };
      const ctx = await contextAt('2023-06-30', `${namespace}-kill-${attempt}`);
      const outcome = await team.runCycle(ctx);
      if (killedAt === undefined) continue; // the survivor took this one
      const afterKillMs = performance.now() - killedAt;
      console.log(
        `replica-failover | cycle done ${Math.round(afterKillMs)} ms after the kill ` +
          `(hedge delay ${Math.round(technical.failover.hedgeAfterMs())} ms, agent timeout ${timeoutMs} ms)`,
      );
      expect(outcome.degraded).toEqual([]);
      const decisions = outcome.decisions.filter((d) => d.agent === 'technical');
      expect(decisions.map((d) => d.symbol).sort()).toEqual([...AGENT_TEST_SYMBOLS].sort());
      // Without failover the cycle waits the whole agent timeout and degrades; half of it is a deadline, not a
      // measurement (the figure is printed above; the acceptance run asks for 2 s).
      expect(afterKillMs).toBeLessThan(timeoutMs / 2);
      return;
    }
    throw new Error(`the dying replica never got a request in ${MAX_TRIES} cycles`);
  });
});
