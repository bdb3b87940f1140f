import type { BusTopology } from '@ats/bus';
import { type AgentRpcSubjects, DEFAULT_AGENT_RPC_SUBJECTS } from './subjects';

/** Two minutes, the server default: a retried publish of the same decision within it is stored once. */
export const DECISIONS_DUPLICATE_WINDOW_MS = 120_000;

/** JetStream the agent services need: the `decisions` stream (decision.> and risk.assessment), for audit and replay. */
export function agentRpcTopology(subjects: AgentRpcSubjects = DEFAULT_AGENT_RPC_SUBJECTS): BusTopology {
  return {
    streams: [
      { ...subjects.decisionsStream, duplicateWindowMs: DECISIONS_DUPLICATE_WINDOW_MS, storage: 'file' },
    ],
  };
}
