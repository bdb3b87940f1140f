import {
  AgentDecisionSchema,
  defineMessage,
  RequestReplyContracts,
  SideSchema,
  SymbolSchema,
  UtcTimestampSchema,
} from '@ats/contracts';
import { z } from 'zod';

export const PatternSchema = z.enum(['sequential', 'parallel', 'hierarchical']);
export const ModeSchema = z.enum(['live', 'paper']);
export type Mode = z.infer<typeof ModeSchema>;

/**
 * One analysis cycle as published on `cycle.started|completed|degraded`. A completed or degraded event carries
 * the decisions, targets and orders, so a past cycle can be replayed from the CYCLES stream alone.
 */
export const CycleEventSchema = z.object({
  kind: z.enum(['started', 'completed', 'degraded']),
  runId: z.string().min(1),
  correlationId: z.string().min(8),
  asOf: UtcTimestampSchema,
  mode: ModeSchema,
  pattern: PatternSchema,
  symbols: z.array(SymbolSchema),
  latencyMs: z.number().nonnegative().optional(),
  degraded: z.array(z.object({ agent: z.string(), reason: z.string() })).default([]),
  decisions: z.array(AgentDecisionSchema).default([]),
  targets: z
    .array(z.object({ symbol: SymbolSchema, targetWeight: z.number(), score: z.number() }))
    .default([]),
  orders: z
    .array(
      z.object({
        clientOrderId: z.string(),
        symbol: SymbolSchema,
        side: SideSchema,
        quantity: z.number().positive(),
      }),
    )
    .default([]),
  portfolio: z.object({ cash: z.number(), equity: z.number() }).optional(),
});
export type CycleEvent = z.infer<typeof CycleEventSchema>;

/**
 * `cycle.context`: what the team saw at one cycle (its DecisionContext), packed: gzip of the JSON, base64. A replay
 * starts from it. `wire-json+gzip+base64` holds the context as the agent RPC sends it (WireDecisionContextSchema,
 * histories as columns: five symbols with a year of bars are ~200 KB of JSON instead of ~325 KB); records written
 * before it, `json+gzip+base64`, hold the DecisionContext's own JSON and are still read.
 */
export const CycleContextSchema = z.object({
  runId: z.string().min(1),
  correlationId: z.string().min(8),
  asOf: UtcTimestampSchema,
  pattern: PatternSchema,
  encoding: z.enum(['wire-json+gzip+base64', 'json+gzip+base64']),
  context: z.string().min(1),
});
export type CycleContext = z.infer<typeof CycleContextSchema>;

export const CycleMessages = {
  event: defineMessage('CycleEvent', 1, CycleEventSchema),
  context: defineMessage('CycleContext', 1, CycleContextSchema),
} as const;

/** `cycle.run` (asked by the API gateway's `POST /v1/analyze`): its types are the contract table's, not ours. */
export const CycleRunExchange = RequestReplyContracts.cycleRun;
