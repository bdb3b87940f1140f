import type { HeartbeatMonitor } from '@ats/agent-rpc';
import { HealthResponseSchema, HttpErrorSchema, ReadyResponseSchema } from '@ats/contracts';
import type { FastifyBaseLogger } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { DependencyHealth, DependencyProbe } from '../dependencies';
import { mutableLiveness } from '../liveness';

export interface SystemHealthOptions {
  readonly service: string;
  readonly probes: Record<string, DependencyProbe>;
  readonly startedAt: number;
  readonly heartbeats: HeartbeatMonitor;
  /** Services (by heartbeat name) without which the system cannot serve: /ready is 503 until each beats. */
  readonly requiredServices: readonly string[];
  /** Where a dependency's own failure (host, port, driver message) goes: the log, never a public answer. */
  readonly log: FastifyBaseLogger;
}

/** How long one round of dependency probes answers /health and /ready. */
export const HEALTH_CACHE_MS = 1_000;
/** What the public sees of a dependency that is down; the reason itself is logged. */
export const DOWN_PUBLICLY = 'unavailable';

/** Dependency probes shared by the public health routes and the admin's readiness detail. */
export class SystemHealth {
  // Probes hit NATS and Postgres: a burst of health checks (load balancers, monitors) shares one round per second.
  #latest: { at: number; round: Promise<Record<string, DependencyHealth>> } | undefined;
  /** Last logged reason per dependency, so an outage is logged when it starts or changes, not once a second. */
  readonly #loggedReasons = new Map<string, string>();

  constructor(private readonly options: SystemHealthOptions) {}

  /** Liveness and each dependency's state, without the reasons. */
  async health() {
    const now = Date.now();
    if (!this.#latest || now - this.#latest.at >= HEALTH_CACHE_MS) {
      this.#latest = { at: now, round: this.#probeAll() };
    }
    const dependencies = await this.#latest.round;
    const allUp = Object.values(dependencies).every((state) => state.status === 'up');
    return {
      status: allUp ? ('ok' as const) : ('degraded' as const),
      service: this.options.service,
      uptimeSeconds: Math.round((now - this.options.startedAt) / 1000),
      dependencies,
    };
  }

  /** Health plus every service's heartbeats and the required ones missing: for operators, not the public. */
  async readiness() {
    const health = await this.health();
    const readiness = this.options.heartbeats.readiness(this.options.requiredServices);
    const ready = health.status === 'ok' && readiness.ready;
    return {
      ready,
      detail: {
        ...health,
        status: ready ? ('ok' as const) : ('degraded' as const),
        services: readiness.services.map(mutableLiveness),
        missingServices: [...readiness.missing],
      },
    };
  }

  async #probeAll(): Promise<Record<string, DependencyHealth>> {
    const entries = await Promise.all(
      Object.entries(this.options.probes).map(async ([name, probe]) => {
        const state = await probe();
        this.#noteReason(name, state);
        const shown: DependencyHealth =
          state.status === 'up' ? state : { status: 'down', error: DOWN_PUBLICLY };
        return [name, shown] as const;
      }),
    );
    return Object.fromEntries(entries);
  }

  #noteReason(dependency: string, state: DependencyHealth): void {
    const reason = state.status === 'down' ? (state.error ?? 'down') : undefined;
    if (reason === this.#loggedReasons.get(dependency)) return;
    if (reason === undefined) {
      this.#loggedReasons.delete(dependency);
      this.options.log.info({ dependency }, 'dependency answers again');
    } else {
      this.#loggedReasons.set(dependency, reason);
      this.options.log.warn({ dependency, reason }, 'dependency down');
    }
  }
}

/**
 * `GET /health`: liveness with each dependency's state (200 while the process runs);
 * `GET /ready`: 503 until every dependency answers and every required service sends heartbeats, for load
 * balancers. Both are public, so neither names hosts, errors or the services behind the gateway.
 */
export const healthRoutes: FastifyPluginAsyncZod<{ readonly health: SystemHealth }> = async (
  app,
  { health },
) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness and dependency state',
        response: { 200: HealthResponseSchema },
      },
    },
    async () => health.health(),
  );
  app.get(
    '/ready',
    {
      schema: {
        tags: ['system'],
        summary: 'Readiness: 503 until NATS and Postgres answer and required services send heartbeats',
        response: { 200: HealthResponseSchema, 503: HealthResponseSchema },
      },
    },
    async (_request, reply) => {
      const { ready, detail } = await health.readiness();
      const { services: _services, missingServices: _missing, ...publicPart } = detail;
      return reply.code(ready ? 200 : 503).send(publicPart);
    },
  );
};

/** `GET /v1/ready` (admin): readiness with each service's heartbeats and the required services missing. */
export const readinessDetailRoutes: FastifyPluginAsyncZod<{ readonly health: SystemHealth }> = async (
  app,
  { health },
) => {
  app.get(
    '/v1/ready',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['system'],
        summary: 'Readiness in detail (admin): every service instance and the required services missing',
        response: {
          200: ReadyResponseSchema,
          503: ReadyResponseSchema,
          401: HttpErrorSchema,
          403: HttpErrorSchema,
        },
      },
    },
    async (_request, reply) => {
      const { ready, detail } = await health.readiness();
      return reply.code(ready ? 200 : 503).send(detail);
    },
  );
};
