import { randomUUID } from 'node:crypto';

/** New correlation id for an analysis cycle, backtest or API request chain. */
export function newCorrelationId(prefix = 'c'): string {
  return `${prefix}-${randomUUID()}`;
}
