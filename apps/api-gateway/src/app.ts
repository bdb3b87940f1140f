import { randomBytes, randomUUID } from 'node:crypto';
import { HeartbeatMonitor } from '@ats/agent-rpc';
import { type Bus, BusNoRespondersError, BusTimeoutError } from '@ats/bus';
import { type Clock, systemClock } from '@ats/contracts';
import type { PrismaClient } from '@ats/db';
import type { TradingMetrics } from '@ats/metrics';
import type { Logger } from '@ats/observability';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { AccessTokens } from './auth/access-token';
import {
  AddressLimiter,
  type AddressLimitSettings,
  DEFAULT_ADDRESS_LIMIT,
  installAddressLimit,
} from './auth/address-limit';
import { AuditLog } from './auth/audit';
import { installGuard } from './auth/guard';
import { ApiKeyStore } from './auth/key-store';
import { BarsCache } from './bars-cache';
import { type GatewayChannels, gatewayChannels } from './channels';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from './database-outage';
import type { DependencyProbe } from './dependencies';
import { HttpProblem, httpError } from './errors';
import { LiveEvents } from './live-events';
import { ReadModel } from './read-model';
import { childLoggerWithMaskedUrls } from './request-log';
import { agentRoutes } from './routes/agents';
import { analyzeRoutes } from './routes/analyze';
import { backtestRoutes } from './routes/backtests';
import { barsRoutes } from './routes/bars';
import { cycleRoutes } from './routes/cycles';
import { dashboardRoutes } from './routes/dashboard';
import { decisionRoutes } from './routes/decisions';
import { healthRoutes, readinessDetailRoutes, SystemHealth } from './routes/health';
import { indicatorRoutes } from './routes/indicators';
import { keyRoutes } from './routes/keys';
import { paperRunRoutes } from './routes/paper-runs';
import { portfolioRoutes } from './routes/portfolio';
import { DEFAULT_MAX_STREAMS_PER_KEY, DEFAULT_STREAM_BUFFER_BYTES, streamRoutes } from './routes/stream';

export interface RateLimitSettings {
  /** Requests per key (or per client address before a key is known) in each window. */
  readonly max: number;
  readonly timeWindowMs: number;
}

export interface ApiGatewayDeps {
  readonly bus: Bus;
  readonly db: PrismaClient;
  readonly logger: Logger;
  readonly probes: Record<string, DependencyProbe>;
  readonly service?: string;
  readonly clock?: Clock;
  /** Subject namespace (tests, side-by-side deployments). */
  readonly channels?: GatewayChannels;
  /** Heartbeat bookkeeping; the gateway feeds it from the bus. */
  readonly heartbeats?: HeartbeatMonitor;
  /** Services that must send heartbeats before /ready says yes. */
  readonly requiredServices?: readonly string[];
  /** How long a request waits for a backend service over NATS. */
  readonly busRequestTimeoutMs?: number;
  /** How long POST /v1/analyze waits for the orchestrator's cycle. */
  readonly cycleTimeoutMs?: number;
  readonly rateLimit?: RateLimitSettings;
  /** Limits per client address, applied before the key check (default DEFAULT_ADDRESS_LIMIT). */
  readonly addressLimit?: AddressLimitSettings;
  /** Origins allowed to call the API from a browser; empty = same origin only. */
  readonly corsOrigins?: readonly string[];
  /** HMAC key for signed access tokens; random per process when omitted (tokens then die with the process). */
  readonly accessTokenSecret?: Buffer;
  readonly maxStreamClients?: number;
  /** Open streams per API key (default DEFAULT_MAX_STREAMS_PER_KEY). */
  readonly maxStreamsPerKey?: number;
  /** Unsent bytes per stream client before it is disconnected as too slow (default DEFAULT_STREAM_BUFFER_BYTES). */
  readonly streamBufferBytes?: number;
  /** Server errors and the bars cache are counted here when given (main.ts passes the process registry's). */
  readonly metrics?: TradingMetrics;
}

export const DEFAULT_BUS_TIMEOUT_MS = 5_000;
export const DEFAULT_CYCLE_TIMEOUT_MS = 120_000;
export const DEFAULT_RATE_LIMIT: RateLimitSettings = { max: 600, timeWindowMs: 60_000 };
export const DEFAULT_MAX_STREAM_CLIENTS = 100;

const SECURED: { [scheme: string]: string[] }[] = [{ bearerAuth: [] }, { apiKeyHeader: [] }];

/** Builds the gateway (not listening): plugins, OpenAPI from the zod contracts, auth, routes, error mapping. */
export async function buildApiGateway(deps: ApiGatewayDeps): Promise<FastifyInstance> {
  const clock = deps.clock ?? systemClock;
  const channels = deps.channels ?? gatewayChannels();
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Honour a caller's request id so a request can be followed across services; otherwise make one.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{8,128}$/.test(given) ? given : `req-${randomUUID()}`;
    },
    requestIdHeader: false,
    // The request log records the URL: a token or key in its query must not reach the log in clear.
    childLoggerFactory: childLoggerWithMaskedUrls,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Callback hooks on every request's path: no promise per request.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    done(null, payload);
  });

  await app.register(cors, { origin: deps.corsOrigins?.length ? [...deps.corsOrigins] : false });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'ai-trading-system API',
        description:
          'Market data, agents, portfolio and backtests of the multi-agent trading system. Every /v1 route needs an ' +
          "API key (`Authorization: Bearer <key>` or `x-api-key`) with the route's scope: read < trade < admin.",
        version: '0.1.0',
      },
      tags: [
        { name: 'system', description: 'Liveness and readiness' },
        { name: 'market data', description: 'Bars and indicators from the data gateway' },
        { name: 'portfolio', description: 'Runs, portfolio, positions, orders and fills' },
        { name: 'agents', description: 'Decisions, analysis cycles and agent liveness' },
        { name: 'backtests', description: 'Queued backtests, their metrics and tear sheets' },
        { name: 'stream', description: 'Live decisions and fills (server-sent events)' },
        { name: 'keys', description: 'API key management (admin)' },
      ],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer' },
          apiKeyHeader: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        },
      },
    },
    transform: (input) => {
      const out = jsonSchemaTransform(input);
      return input.url.startsWith('/v1/') ? { ...out, schema: { ...out.schema, security: SECURED } } : out;
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // A 5xx is our failure (or a backend's), never the client's: counted by error class for the error-rate alert.
  const countServerError = (status: number, error: Error) => {
    if (status >= 500) deps.metrics?.errors.inc({ component: 'http', kind: error.name });
  };
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((v) => ({
        path: [error.validationContext, ...String(v.instancePath).split('/').filter(Boolean)].join('.'),
        message: v.message ?? 'invalid',
      }));
      return reply
        .code(400)
        .send(
          httpError(
            400,
            `invalid ${error.validationContext}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
            issues,
          ),
        );
    }
    if (error instanceof HttpProblem) {
      countServerError(error.statusCode, error);
      return reply.code(error.statusCode).send(httpError(error.statusCode, error.message));
    }
    if (error instanceof BusTimeoutError) {
      countServerError(504, error);
      return reply.code(504).send(httpError(504, 'a backend service did not answer in time'));
    }
    if (isDatabaseUnavailable(error)) {
      // Logged without the request's secrets; the client learns only that it should retry.
      request.log.warn({ err: error }, 'database unavailable');
      countServerError(503, error);
      return reply
        .code(503)
        .header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS))
        .send(httpError(503, 'the database is unavailable; try again shortly'));
    }
    if (error instanceof BusNoRespondersError) {
      countServerError(503, error);
      return reply.code(503).send(httpError(503, 'the backend service is not running'));
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send(httpError(error.statusCode, error.message));
    }
    // Never leak stack traces, SQL or internals: log them with the request id, answer generically.
    request.log.error({ err: error }, 'unhandled error');
    countServerError(500, error);
    return reply.code(500).send(httpError(500, `internal error (request id ${request.id})`));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(httpError(404, `no route ${request.method} ${request.url.split('?')[0]}`)),
  );

  // Bus feeds: heartbeats for /ready and /v1/agents, decisions and fills for the live stream.
  const heartbeats = deps.heartbeats ?? new HeartbeatMonitor({ clock });
  const heartbeatSubscription = await heartbeats.start(deps.bus, channels.heartbeats);
  const live = new LiveEvents(deps.bus, channels);
  await live.start();
  await deps.bus.ensureTopology({ streams: [channels.backtestJobsStream] });
  app.addHook('onClose', async () => {
    await Promise.all([heartbeatSubscription.close(), live.close()]);
  });

  const health = new SystemHealth({
    service: deps.service ?? 'api-gateway',
    probes: deps.probes,
    startedAt: Date.now(),
    heartbeats,
    requiredServices: deps.requiredServices ?? [],
    log: app.log,
  });
  await app.register(healthRoutes, { health });
  await app.register(dashboardRoutes);

  const keys = new ApiKeyStore(deps.db, clock, (error) =>
    deps.logger.warn({ err: error }, 'API key lastUsedAt not written'),
  );
  const accessTokens = new AccessTokens(deps.accessTokenSecret ?? randomBytes(32), clock);
  const readModel = new ReadModel(deps.db);
  const busRequestTimeoutMs = deps.busRequestTimeoutMs ?? DEFAULT_BUS_TIMEOUT_MS;
  const limits = deps.rateLimit ?? DEFAULT_RATE_LIMIT;

  await app.register(async (v1) => {
    // Before the guard: a flood of wrong keys from one address is refused without a key lookup each.
    installAddressLimit(v1, new AddressLimiter(deps.addressLimit ?? DEFAULT_ADDRESS_LIMIT, clock));
    installGuard(v1, { keys, accessTokens, audit: new AuditLog(deps.db, clock) });
    // Runs after the guard's hooks, so the limit is counted per key id.
    await v1.register(rateLimit, {
      max: limits.max,
      timeWindow: limits.timeWindowMs,
      keyGenerator: (request) => request.apiKey?.id ?? request.ip,
      errorResponseBuilder: (_request, context) =>
        new HttpProblem(429, `rate limit of ${context.max} requests per ${context.after} exceeded`),
    });
    await v1.register(barsRoutes, {
      bus: deps.bus,
      channels,
      requestTimeoutMs: busRequestTimeoutMs,
      cache: new BarsCache(clock),
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
    });
    await v1.register(indicatorRoutes, { bus: deps.bus, channels, requestTimeoutMs: busRequestTimeoutMs });
    await v1.register(portfolioRoutes, { readModel });
    await v1.register(decisionRoutes, { readModel });
    await v1.register(agentRoutes, { heartbeats });
    await v1.register(analyzeRoutes, {
      bus: deps.bus,
      channels,
      cycleTimeoutMs: deps.cycleTimeoutMs ?? DEFAULT_CYCLE_TIMEOUT_MS,
    });
    await v1.register(cycleRoutes, {
      bus: deps.bus,
      channels,
      cycleTimeoutMs: deps.cycleTimeoutMs ?? DEFAULT_CYCLE_TIMEOUT_MS,
    });
    await v1.register(paperRunRoutes, {
      bus: deps.bus,
      db: deps.db,
      channels,
      requestTimeoutMs: deps.cycleTimeoutMs ?? DEFAULT_CYCLE_TIMEOUT_MS,
    });
    await v1.register(backtestRoutes, { bus: deps.bus, db: deps.db, channels, readModel, clock });
    await v1.register(streamRoutes, {
      live,
      accessTokens,
      maxClients: deps.maxStreamClients ?? DEFAULT_MAX_STREAM_CLIENTS,
      maxPerKey: deps.maxStreamsPerKey ?? DEFAULT_MAX_STREAMS_PER_KEY,
      maxBufferedBytes: deps.streamBufferBytes ?? DEFAULT_STREAM_BUFFER_BYTES,
    });
    await v1.register(keyRoutes, { keys });
    await v1.register(readinessDetailRoutes, { health });
  });
  return app;
}
