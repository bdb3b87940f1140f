import { z } from 'zod';
import { BarSchema } from './market';
import { IsoDateSchema, SymbolSchema, TimeframeSchema } from './primitives';

/** Body of every HTTP error: a stable code, a message for people, and field-level issues on 400. */
export const HttpErrorSchema = z.object({
  statusCode: z.number().int(),
  error: z.string(),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type HttpError = z.infer<typeof HttpErrorSchema>;

export const DependencyHealthSchema = z.object({
  status: z.enum(['up', 'down']),
  latencyMs: z.number().nonnegative().optional(),
  error: z.string().optional(),
});

export const HealthResponseSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  service: z.string(),
  uptimeSeconds: z.number().nonnegative(),
  dependencies: z.record(z.string(), DependencyHealthSchema),
});
export type HealthResponse = z.infer<typeof HealthResponseSchema>;

export const BarsParamsSchema = z.object({ symbol: SymbolSchema });
export const BarsQuerySchema = z
  .object({
    from: IsoDateSchema,
    to: IsoDateSchema,
    timeframe: TimeframeSchema.default('1d'),
  })
  .refine((q) => q.from <= q.to, { message: '`from` must not be after `to`', path: ['from'] });

export const BarsResponseSchema = z.object({
  symbol: SymbolSchema,
  timeframe: TimeframeSchema,
  provider: z.string(),
  count: z.number().int().nonnegative(),
  bars: z.array(BarSchema),
});
export type BarsResponse = z.infer<typeof BarsResponseSchema>;
