export { AGENT_RPC, type LocalAgentOf, type LocalAgents, type SignalAgentName } from './agent-kinds';
export { type AgentProcessOptions, startAgentProcess } from './agent-process';
export * from './agent-service';
export * from './bus-outage';
export * from './decision-sink';
export * from './errors';
export * from './health-server';
export * from './heartbeat';
export * from './heartbeat-monitor';
export * from './metered-llm-client';
export * from './prisma-decision-sink';
export * from './remote-agents';
export {
  type FailoverOutcome,
  HEDGE_LATENCY_FACTOR,
  MIN_HEDGE_MS,
  ReplicaFailover,
} from './replica-failover';
export * from './serve-agent';
export * from './subjects';
export * from './topology';
export {
  barsToColumns,
  type ContextToWireOptions,
  columnsToBars,
  contextFromWire,
  contextToWire,
  HISTORY_TAIL_BARS,
  HistoryUnknownError,
  HistoryWindows,
  historyDigest,
  MixedHistoryError,
} from './wire-context';
