export * from './analyst-memo';
export * from './config';
export {
  decideWithLlm,
  LlmAnswerError,
  type LlmBatchResult,
  type LlmClient,
  LlmDecisionBatchSchema,
  type LlmRequest,
  type LlmResponse,
  type LlmUsage,
  OFFLINE_REASONER,
  type Reasoner,
} from './llm';
export * from './portfolio/adaptive-weights';
export * from './portfolio/portfolio-manager';
export { rankCorrelation } from './portfolio/rank-correlation';
export * from './risk/position-sizing';
export * from './risk/risk-manager';
export * from './risk/risk-measures';
export * from './sentiment/market-mood';
export * from './sentiment/sentiment-agent';
export * from './snapshot';
export * from './team';
export * from './technical/technical-agent';
export * from './technical/technical-rules';
export type * from './types';
export { alignedReturns, equalWeightReturns, returnCount, type UniverseReturns } from './universe';
