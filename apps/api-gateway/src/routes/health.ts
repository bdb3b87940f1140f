import { HealthResponseSchema } from '@ats/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { DependencyProbe } from '../dependencies';

export interface HealthRoutesOptions {
  readonly service: string;
  readonly probes: Record<string, DependencyProbe>;
  readonly startedAt: number;
}

/**
 * `GET /health`: liveness with each dependency's state (200 while the process runs);
 * `GET /ready`: 503 until every dependency answers, for load balancers and orchestrators.
 */
export const healthRoutes: FastifyPluginAsyncZod<HealthRoutesOptions> = async (app, options) => {
  async function check() {
    const entries = await Promise.all(
      Object.entries(options.probes).map(async ([name, probe]) => [name, await probe()] as const),
    );
    const dependencies = Object.fromEntries(entries);
    const allUp = entries.every(([, state]) => state.status === 'up');
    return {
      status: allUp ? ('ok' as const) : ('degraded' as const),
      service: options.service,
      uptimeSeconds: Math.round((Date.now() - options.startedAt) / 1000),
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
        summary: 'Readiness: 503 until NATS and Postgres answer',
        response: { 200: HealthResponseSchema, 503: HealthResponseSchema },
      },
    },
    async (_request, reply) => {
      const health = await check();
      return reply.code(health.status === 'ok' ? 200 : 503).send(health);
    },
  );
};
