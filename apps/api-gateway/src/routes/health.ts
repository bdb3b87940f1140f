import type { HeartbeatMonitor } from '@ats/agent-rpc';
import { HealthResponseSchema, ReadyResponseSchema } from '@ats/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { DependencyProbe } from '../dependencies';
import { mutableLiveness } from '../liveness';

export interface HealthRoutesOptions {
  readonly service: string;
  readonly probes: Record<string, DependencyProbe>;
  readonly startedAt: number;
  readonly heartbeats: HeartbeatMonitor;
  /** Services (by heartbeat name) without which the system cannot serve: /ready is 503 until each beats. */
  readonly requiredServices: readonly string[];
}

/** How long one round of dependency probes answers /health and /ready. */
export const HEALTH_CACHE_MS = 1_000;

/**
 * `GET /health`: liveness with each dependency's state (200 while the process runs);
 * `GET /ready`: 503 until every dependency answers and every required service sends heartbeats, with each
 * service's heartbeat state, for load balancers and operators.
 */
export const healthRoutes: FastifyPluginAsyncZod<HealthRoutesOptions> = async (app, options) => {
  // Probes hit NATS and Postgres: a burst of health checks (load balancers, monitors) shares one round per second.
  let latest: { at: number; health: ReturnType<typeof probeAll> } | undefined;
  function check() {
    const now = Date.now();
    if (!latest || now - latest.at >= HEALTH_CACHE_MS) latest = { at: now, health: probeAll() };
    return latest.health.then((health) => ({
      ...health,
      uptimeSeconds: Math.round((now - options.startedAt) / 1000),
    }));
  }

  async function probeAll() {
    const entries = await Promise.all(
      Object.entries(options.probes).map(async ([name, probe]) => [name, await probe()] as const),
    );
    const dependencies = Object.fromEntries(entries);
    const allUp = entries.every(([, state]) => state.status === 'up');
    return {
      status: allUp ? ('ok' as const) : ('degraded' as const),
      service: options.service,
      dependencies,
    };
  }

  app.get(
    '/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness and dependency state',
        response: { 200: HealthResponseSchema },
      },
    },
    async () => check(),
  );
  app.get(
    '/ready',
    {
      schema: {
        tags: ['system'],
        summary: 'Readiness: 503 until NATS and Postgres answer and required services send heartbeats',
        response: { 200: ReadyResponseSchema, 503: ReadyResponseSchema },
      },
    },
    async (_request, reply) => {
      const health = await check();
      const readiness = options.heartbeats.readiness(options.requiredServices);
      const ready = health.status === 'ok' && readiness.ready;
      return reply.code(ready ? 200 : 503).send({
        ...health,
        status: ready ? 'ok' : 'degraded',
        services: readiness.services.map(mutableLiveness),
        missingServices: [...readiness.missing],
      });
    },
  );
};
