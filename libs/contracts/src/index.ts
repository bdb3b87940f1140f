import { AgentDecisionSchema, RiskAssessmentSchema } from './decisions';
import { defineMessage } from './envelope';
import { FillSchema, OrderSchema, PortfolioStateSchema } from './trading';

export * from './agent-messages';
export * from './api';
export * from './backtest';
export * from './clock';
export * from './decisions';
export * from './envelope';
export * from './evidence';
export * from './http';
export * from './market';
export * from './market-requests';
export * from './paper-runs';
export * from './primitives';
export { mulberry32 } from './random';
export * from './request-reply';
export * from './requests';
export * from './subjects';
export * from './trading';
export * from './validation';

/** Message types of the trading flow (market-data request types are in `Messages`). */
export const TradingMessages = {
  agentDecision: defineMessage('AgentDecision', 1, AgentDecisionSchema),
  riskAssessment: defineMessage('RiskAssessment', 1, RiskAssessmentSchema),
  order: defineMessage('Order', 1, OrderSchema),
  fill: defineMessage('Fill', 1, FillSchema),
  portfolioState: defineMessage('PortfolioState', 1, PortfolioStateSchema),
} as const;
