import { randomUUID } from 'node:crypto';
import type { Bus } from '@ats/bus';
import { type AgentName, type Clock, systemClock } from '@ats/contracts';
import type { Logger } from '@ats/observability';
import type { LocalAgentOf } from './agent-kinds';
import type { DecisionSink } from './decision-sink';
import { type HealthServer, startHealthServer } from './health-server';
import { startHeartbeats } from './heartbeat';
import { type AgentMetrics, type ServedAgent, serveAgent } from './serve-agent';
import { type AgentRpcSubjects, DEFAULT_AGENT_RPC_SUBJECTS } from './subjects';
import { agentRpcTopology } from './topology';

export interface AgentServiceOptions<K extends AgentName> {
  readonly bus: Bus;
  readonly agent: K;
  readonly local: LocalAgentOf<K>;
  readonly logger: Logger;
  /** Service name: heartbeat subject and /health report. */
  readonly service: string;
  readonly version: string;
  readonly decisionSink?: DecisionSink;
  readonly heartbeatIntervalMs?: number;
  /** Port of a stand-alone `GET /health`; none when undefined (services serve `health()` with /metrics instead). */
  readonly healthPort?: number;
  readonly healthHost?: string;
  readonly subjects?: AgentRpcSubjects;
  readonly clock?: Clock;
  readonly instanceId?: string;
  /** Response-time histogram and error counts (see `AgentMetrics`). */
  readonly metrics?: AgentMetrics;
}

/** What `/health` reports about an agent service (merged into the metrics server's health report). */
export type AgentServiceHealth = {
  readonly status: 'ok' | 'draining';
  readonly service: string;
  readonly instanceId: string;
  readonly agent: AgentName;
  readonly version: string;
  readonly startedAt: string;
  readonly inflight: number;
  readonly handled: number;
  readonly failed: number;
  readonly recordFailures: number;
};

export interface RunningAgentService {
  readonly instanceId: string;
  readonly served: ServedAgent;
  /** Bound port of /health (useful with port 0), when enabled. */
  readonly healthPort: number | undefined;
  /** The health report now: `draining` once `stop()` began. Serve it from the process's metrics server. */
  health(): AgentServiceHealth;
  /** Drain: /health turns 503, no new requests, in-flight ones finish and are recorded, heartbeats stop. */
  stop(): Promise<void>;
}

/** One agent process: the decisions stream ensured, the agent served in its queue group, heartbeats, /health. */
export async function startAgentService<K extends AgentName>(
  options: AgentServiceOptions<K>,
): Promise<RunningAgentService> {
  const clock = options.clock ?? systemClock;
  const subjects = options.subjects ?? DEFAULT_AGENT_RPC_SUBJECTS;
  const instanceId = options.instanceId ?? `${options.service}-${randomUUID().slice(0, 8)}`;
  const startedAt = clock.now();
  await options.bus.ensureTopology(agentRpcTopology(subjects));
  const served = await serveAgent(options.bus, options.agent, options.local, {
    logger: options.logger,
    decisionSink: options.decisionSink,
    subjects,
    metrics: options.metrics,
  });
  const heartbeats = startHeartbeats(options.bus, {
    service: options.service,
    instanceId,
    agent: options.agent,
    version: options.version,
    intervalMs: options.heartbeatIntervalMs,
    clock,
    subjects,
    logger: options.logger,
    load: () => served.load(),
  });
  let draining = false;
  const report = (): AgentServiceHealth => ({
    status: draining ? 'draining' : 'ok',
    service: options.service,
    instanceId,
    agent: options.agent,
    version: options.version,
    startedAt: startedAt.toISOString(),
    ...served.load(),
  });
  let health: HealthServer | undefined;
  if (options.healthPort !== undefined) {
    health = await startHealthServer({ port: options.healthPort, host: options.healthHost, report });
    options.logger.info({ port: health.port }, 'health endpoint listening');
  }
  return {
    instanceId,
    served,
    healthPort: health?.port,
    health: report,
    async stop() {
      draining = true;
      heartbeats.stop();
      await served.close();
      await health?.close();
      options.logger.info({ ...served.load() }, 'agent service drained');
    },
  };
}
