export * from './book';
export * from './errors';
export * from './order-lifecycle';
export {
  DEFAULT_MAX_ATTEMPTS,
  PrismaTradingStore,
  type PrismaTradingStoreOptions,
} from './prisma-trading-store';
export type * from './trading-store';
