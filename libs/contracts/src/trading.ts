import { z } from 'zod';
import { PriceSchema, QuantitySchema, SideSchema, SymbolSchema, UtcTimestampSchema } from './primitives';

export const OrderTypeSchema = z.enum(['MARKET', 'LIMIT', 'STOP']);
export type OrderType = z.infer<typeof OrderTypeSchema>;

export const OrderStatusSchema = z.enum(['NEW', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'REJECTED']);
export type OrderStatus = z.infer<typeof OrderStatusSchema>;

/**
 * An order as submitted. `clientOrderId` is the idempotency key: the same id submitted twice is one order
 * (it is also the JetStream message id on `order.submit.*`).
 */
export const OrderSchema = z
  .object({
    clientOrderId: z.string().min(1).max(128),
    symbol: SymbolSchema,
    side: SideSchema,
    type: OrderTypeSchema,
    quantity: QuantitySchema.refine((q) => q > 0, 'must be greater than 0'),
    limitPrice: PriceSchema.optional(),
    stopPrice: PriceSchema.optional(),
    timeInForce: z.enum(['DAY', 'GTC']).default('DAY'),
    submittedAt: UtcTimestampSchema,
    runId: z.string().optional(),
    correlationId: z.string().optional(),
    reason: z.string().optional(),
  })
  .refine((o) => o.type !== 'LIMIT' || o.limitPrice !== undefined, {
    message: 'a LIMIT order needs limitPrice',
    path: ['limitPrice'],
  })
  .refine((o) => o.type !== 'STOP' || o.stopPrice !== undefined, {
    message: 'a STOP order needs stopPrice',
    path: ['stopPrice'],
  });
export type Order = z.infer<typeof OrderSchema>;

/** An execution. `price` already includes slippage; `commission` is charged on top, in account currency. */
export const FillSchema = z.object({
  fillId: z.string().min(1),
  clientOrderId: z.string().min(1),
  symbol: SymbolSchema,
  side: SideSchema,
  quantity: QuantitySchema.refine((q) => q > 0, 'must be greater than 0'),
  price: PriceSchema,
  commission: z.number().finite().nonnegative(),
  slippage: z.number().finite().nonnegative(),
  filledAt: UtcTimestampSchema,
  runId: z.string().optional(),
  correlationId: z.string().optional(),
});
export type Fill = z.infer<typeof FillSchema>;

/** Holding in one symbol; negative quantity is a short. */
export const PositionSchema = z.object({
  symbol: SymbolSchema,
  quantity: z.number().finite(),
  averagePrice: z.number().finite().nonnegative(),
  marketPrice: z.number().finite().nonnegative().optional(),
  realizedPnl: z.number().finite().default(0),
});
export type Position = z.infer<typeof PositionSchema>;

export const PortfolioStateSchema = z.object({
  asOf: UtcTimestampSchema,
  cash: z.number().finite(),
  equity: z.number().finite(),
  positions: z.array(PositionSchema),
  runId: z.string().optional(),
});
export type PortfolioState = z.infer<typeof PortfolioStateSchema>;
