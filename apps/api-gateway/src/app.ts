import { randomUUID } from 'node:crypto';
import { type Bus, BusNoRespondersError, BusTimeoutError } from '@ats/bus';
import type { Logger } from '@ats/observability';
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
import type { DependencyProbe } from './dependencies';
import { HttpProblem, httpError } from './errors';
import { barsRoutes } from './routes/bars';
import { healthRoutes } from './routes/health';

export interface ApiGatewayDeps {
  readonly bus: Bus;
  readonly logger: Logger;
  readonly probes: Record<string, DependencyProbe>;
  readonly service?: string;
  /** How long a request waits for a backend service over NATS. */
  readonly busRequestTimeoutMs?: number;
}

const DEFAULT_BUS_TIMEOUT_MS = 5_000;

/** Builds the gateway (not listening): plugins, OpenAPI from the zod contracts, routes, error mapping. */
export async function buildApiGateway(deps: ApiGatewayDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Honour a caller's request id so a request can be followed across services; otherwise make one.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{8,128}$/.test(given) ? given : `req-${randomUUID()}`;
    },
    requestIdHeader: false,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'ai-trading-system API',
        description: 'Market data, agents, portfolio and backtests of the multi-agent trading system.',
        version: '0.1.0',
      },
      tags: [
        { name: 'system', description: 'Liveness and readiness' },
        { name: 'market data', description: 'Bars served by the data gateway' },
      ],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

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
    if (error instanceof HttpProblem)
      return reply.code(error.statusCode).send(httpError(error.statusCode, error.message));
    if (error instanceof BusTimeoutError)
      return reply.code(504).send(httpError(504, 'a backend service did not answer in time'));
    if (error instanceof BusNoRespondersError)
      return reply.code(503).send(httpError(503, 'the backend service is not running'));
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send(httpError(error.statusCode, error.message));
    }
    // Never leak stack traces, SQL or internals: log them with the request id, answer generically.
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send(httpError(500, `internal error (request id ${request.id})`));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(httpError(404, `no route ${request.method} ${request.url.split('?')[0]}`)),
  );

  await app.register(healthRoutes, {
    service: deps.service ?? 'api-gateway',
    probes: deps.probes,
    startedAt: Date.now(),
  });
  await app.register(barsRoutes, {
    bus: deps.bus,
    requestTimeoutMs: deps.busRequestTimeoutMs ?? DEFAULT_BUS_TIMEOUT_MS,
  });
  return app;
}
