import type { StreamSpec } from '@ats/bus';
import {
  type AgentName,
  namespacedStream,
  namespacedSubject,
  Streams,
  Subjects,
  type TickerSymbol,
} from '@ats/contracts';

/**
 * Subjects and the decisions stream of the agent RPC. Production uses the contract's names as they are; a
 * namespace prefixes every subject (and suffixes the stream name) so tests and side-by-side deployments on one
 * NATS server never see each other's traffic.
 */
export interface AgentRpcSubjects {
  readonly namespace: string | undefined;
  analyze(agent: AgentName): string;
  decision(agent: AgentName, symbol: TickerSymbol): string;
  readonly riskAssessment: string;
  heartbeat(service: string): string;
  readonly allHeartbeats: string;
  readonly decisionsStream: StreamSpec;
}

export function agentRpcSubjects(namespace?: string): AgentRpcSubjects {
  const p = (subject: string) => namespacedSubject(namespace, subject);
  return {
    namespace,
    analyze: (agent) => p(Subjects.analyze(agent)),
    decision: (agent, symbol) => p(Subjects.decision(agent, symbol)),
    riskAssessment: p(Subjects.riskAssessment),
    heartbeat: (service) => p(Subjects.heartbeat(service)),
    allHeartbeats: p(Subjects.allHeartbeats),
    decisionsStream: {
      name: namespacedStream(namespace, Streams.decisions.name),
      subjects: Streams.decisions.subjects.map(p),
    },
  };
}

export const DEFAULT_AGENT_RPC_SUBJECTS: AgentRpcSubjects = agentRpcSubjects();
