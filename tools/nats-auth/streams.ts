import type { StreamSpec } from '@ats/bus';
import { Streams } from '@ats/contracts';
// The declarations the services check at start-up, read from where each service declares them (tools may import
// any project's files; these modules are pure and import only contracts), so the operator provisions exactly what
// the services expect and the two can never drift apart.
import { backtestQueue } from '../../apps/backtester/src/queue';
import { barChannels } from '../../apps/data-gateway/src/bar-channels';
import { cycleChannels } from '../../apps/orchestrator/src/channels';
import { agentRpcTopology } from '../../libs/agent-rpc/src/topology';
import { orderChannels } from '../../libs/paper-broker/src/channels';

/**
 * Dead letters of every service (`dlq.>`), kept for triage. Server defaults on purpose: whoever adds the stream by
 * hand with just a name and subjects (an operator, the chaos suite) gets the same stream, not a conflict.
 */
const DEAD_LETTERS: StreamSpec = {
  name: Streams.deadLetters.name,
  subjects: [...Streams.deadLetters.subjects],
};

/**
 * Every JetStream stream of a deployment, created and changed only by the operator's user (provision.ts): the
 * services may only read their configuration (`STREAM.INFO`, see permissions.ts).
 */
export function operatorStreams(): readonly StreamSpec[] {
  return [
    barChannels().stream,
    ...agentRpcTopology().streams,
    orderChannels().stream,
    cycleChannels().stream,
    backtestQueue().stream,
    DEAD_LETTERS,
  ];
}
