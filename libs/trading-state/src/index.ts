export * from './book';
export * from './errors';
export * from './order-lifecycle';
export {
  DatabaseUnavailableError,
  DEFAULT_OUTAGE_BUDGET_MS,
  isConnectionLoss,
  type OutageTolerance,
  outageTolerantStore,
} from './outage-tolerant-store';
export {
  DEFAULT_MAX_ATTEMPTS,
  PrismaTradingStore,
  type PrismaTradingStoreOptions,
} from './prisma-trading-store';
export { type BookDay, runTimeline, timelineDifferences, timelineOf } from './run-timeline';
export type * from './trading-store';
