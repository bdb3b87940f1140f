import type { PortfolioAgent, RiskAgent, SignalAgent } from '@ats/agents';
import { AgentMessages, type AgentName } from '@ats/contracts';

/** The local agent a service of each kind runs (and the interface its remote proxy implements). */
export interface LocalAgents {
  readonly technical: SignalAgent;
  readonly sentiment: SignalAgent;
  readonly risk: RiskAgent;
  readonly portfolio: PortfolioAgent;
}
export type LocalAgentOf<K extends AgentName> = LocalAgents[K];

export type SignalAgentName = 'technical' | 'sentiment';

/** Request and reply message types of `agent.<name>.analyze`, per agent. */
export const AGENT_RPC = {
  technical: { request: AgentMessages.analyzeSignalRequest, reply: AgentMessages.signalBatch },
  sentiment: { request: AgentMessages.analyzeSignalRequest, reply: AgentMessages.signalBatch },
  risk: { request: AgentMessages.assessRiskRequest, reply: AgentMessages.riskReport },
  portfolio: { request: AgentMessages.planPortfolioRequest, reply: AgentMessages.portfolioPlan },
} as const;

/**
 * The in-process types carry readonly arrays; the wire types (zod inputs) are mutable. Same shape otherwise, so
 * this typed identity lets the compiler check the request against the contract without copying it.
 */
export type Wire<T> = T extends readonly (infer U)[]
  ? Wire<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: Wire<T[K]> }
    : T;
export const toWire = <T>(value: T): Wire<T> => value as Wire<T>;
