import { z } from 'zod';
import {
  AgentNameSchema,
  ConfidenceSchema,
  SignalSchema,
  SymbolSchema,
  UtcTimestampSchema,
} from './primitives';

/** What one agent concluded about one symbol at one decision time, with its reasons. */
export const AgentDecisionSchema = z.object({
  agent: AgentNameSchema,
  symbol: SymbolSchema,
  signal: SignalSchema,
  confidence: ConfidenceSchema,
  reasoning: z.string().min(1),
  supportingData: z.record(z.string(), z.unknown()).default({}),
  ts: UtcTimestampSchema,
  correlationId: z.string().optional(),
});
export type AgentDecision = z.infer<typeof AgentDecisionSchema>;

export const VetoSchema = z.object({ symbol: SymbolSchema, reason: z.string().min(1) });
export type Veto = z.infer<typeof VetoSchema>;

/** Risk manager output: portfolio risk figures, per-symbol size limits and vetoes with reasons. */
export const RiskAssessmentSchema = z.object({
  asOf: UtcTimestampSchema,
  /** One-day Value at Risk as a positive fraction of equity (0.02 = 2%). */
  valueAtRisk95: z.number().finite().nonnegative(),
  valueAtRisk99: z.number().finite().nonnegative(),
  conditionalValueAtRisk95: z.number().finite().nonnegative(),
  conditionalValueAtRisk99: z.number().finite().nonnegative(),
  currentDrawdown: z.number().min(0).max(1),
  drawdownLimit: z.number().min(0).max(1),
  /** Largest allowed position per symbol as a fraction of equity. */
  maxWeightBySymbol: z.record(SymbolSchema, z.number().min(0).max(1)),
  vetoes: z.array(VetoSchema),
  reasoning: z.string().min(1),
  correlationId: z.string().optional(),
});
export type RiskAssessment = z.infer<typeof RiskAssessmentSchema>;
