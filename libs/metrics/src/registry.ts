import { collectDefaultMetrics, Registry } from 'prom-client';

/** Every family this library defines starts with this prefix, so dashboards and alerts select ours at a glance. */
export const METRIC_PREFIX = 'ats_';

/** Event-loop lag sampling resolution; 10 ms is prom-client's default and precise enough for alerting at 100 ms. */
const EVENT_LOOP_PRECISION_MS = 10;

export interface ServiceRegistryOptions {
  /** Stamped as the `service` label on every series, so one Prometheus can scrape all services. */
  readonly service: string;
  /** Process metrics (memory, CPU, event-loop lag, GC, handles); off only in tests that count series. */
  readonly processMetrics?: boolean;
}

/**
 * One registry per service process, never prom-client's global one: tests and embedded mode run several
 * services in one process, and each must expose only its own series.
 */
export function createServiceRegistry(options: ServiceRegistryOptions): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  if (options.processMetrics ?? true) {
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_PRECISION_MS });
  }
  return registry;
}
