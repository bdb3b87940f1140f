import type { StreamSpec } from '@ats/bus';
import { namespacedStream, namespacedSubject, Streams, Subjects } from '@ats/contracts';

/**
 * Subjects the gateway talks on. A namespace prefixes them (and suffixes the jobs stream) so tests and
 * side-by-side deployments on one NATS server never see each other's traffic. Market-data requests keep the
 * contract's subject: the data gateway serves it unprefixed.
 */
export interface GatewayChannels {
  readonly namespace: string | undefined;
  readonly historyRequest: string;
  readonly cycleRequest: string;
  /** Replay of a recorded cycle by the orchestrator. */
  readonly cycleReplay: string;
  /** Start or resume a paper run in the orchestrator. */
  readonly paperRunStart: string;
  readonly backtestJob: string;
  readonly backtestJobsStream: StreamSpec;
  /** `decision.>`: every agent's decisions, for the live stream. */
  readonly decisions: string;
  /** `order.filled.>`: executions, for the live stream. */
  readonly fills: string;
  readonly heartbeats: string;
}

export function gatewayChannels(namespace?: string): GatewayChannels {
  const p = (subject: string) => namespacedSubject(namespace, subject);
  return {
    namespace,
    historyRequest: Subjects.historyRequest,
    cycleRequest: p(Subjects.cycleRequest),
    cycleReplay: p(Subjects.cycleReplay),
    paperRunStart: p(Subjects.paperRunStart),
    backtestJob: p(Subjects.backtestJob),
    backtestJobsStream: {
      name: namespacedStream(namespace, Streams.backtestJobs.name),
      subjects: Streams.backtestJobs.subjects.map(p),
      storage: 'file',
    },
    decisions: p(Subjects.allDecisions),
    fills: p(Subjects.orderFilled('*').replace(/\*$/, '>')),
    heartbeats: p(Subjects.allHeartbeats),
  };
}
