import type { Bus } from '@ats/bus';
import {
  ApiMessages,
  BacktestAcceptedSchema,
  BacktestListSchema,
  BacktestRequestSchema,
  BacktestStatusSchema,
  type Clock,
  HttpErrorSchema,
  IdParamsSchema,
} from '@ats/contracts';
import type { PrismaClient } from '@ats/db';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { GatewayChannels } from '../channels';
import { HttpProblem } from '../errors';
import type { ReadModel } from '../read-model';

export interface BacktestRoutesOptions {
  readonly bus: Bus;
  readonly db: PrismaClient;
  readonly channels: GatewayChannels;
  readonly readModel: ReadModel;
  readonly clock: Clock;
}

const errors = { 400: HttpErrorSchema, 401: HttpErrorSchema, 403: HttpErrorSchema, 404: HttpErrorSchema };

/**
 * A tear sheet is our own HTML, but it is served from the API's origin: sandboxed, its scripts run in an opaque
 * origin and cannot read the dashboard's stored key or call the API.
 */
const REPORT_CSP =
  "sandbox allow-scripts; default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

/**
 * `POST /v1/backtests` records a Run (kind backtest) and queues the job on the `backtest.job` JetStream work queue
 * for a backtester worker; `GET` reads its status, metrics and stored HTML tear sheet.
 */
export const backtestRoutes: FastifyPluginAsyncZod<BacktestRoutesOptions> = async (app, options) => {
  app.post(
    '/v1/backtests',
    {
      config: { scope: 'trade', audit: 'backtest.create' },
      schema: {
        tags: ['backtests'],
        summary: 'Queue a backtest; answers 202 with its id at once',
        body: BacktestRequestSchema,
        response: { 202: BacktestAcceptedSchema, ...errors, 503: HttpErrorSchema },
      },
    },
    async (request, reply) => {
      const requestedAt = options.clock.now();
      const run = await options.db.run.create({
        data: {
          kind: 'backtest',
          status: 'running',
          config: JSON.parse(JSON.stringify(request.body)),
          startedAt: requestedAt,
          correlationId: request.id,
        },
      });
      request.auditSubject = run.id;
      request.auditDetails = { request: request.body };
      try {
        await options.bus.publishDurable(
          options.channels.backtestJob,
          ApiMessages.backtestJob,
          {
            runId: run.id,
            request: request.body,
            requestedBy: request.apiKey?.id ?? 'unknown',
            requestedAt: requestedAt.toISOString(),
          },
          // The run id de-duplicates a retried publish: one job per run.
          { messageId: run.id, correlationId: request.id },
        );
      } catch (error) {
        await options.db.run.update({
          where: { id: run.id },
          data: { status: 'failed', finishedAt: options.clock.now() },
        });
        request.log.error({ err: error, runId: run.id }, 'backtest job not queued');
        throw new HttpProblem(503, 'the backtest queue is unavailable; nothing was started');
      }
      return reply.code(202).send({
        id: run.id,
        status: run.status,
        links: { self: `/v1/backtests/${run.id}`, report: `/v1/backtests/${run.id}/report` },
      });
    },
  );

  app.get(
    '/v1/backtests',
    {
      schema: {
        tags: ['backtests'],
        summary: 'Backtests, newest first, with their metrics when finished',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
        response: { 200: BacktestListSchema, ...errors },
      },
    },
    async (request) => ({ backtests: await options.readModel.backtests(request.query.limit) }),
  );

  app.get(
    '/v1/backtests/:id',
    {
      schema: {
        tags: ['backtests'],
        summary: "A backtest's status, request and metrics",
        params: IdParamsSchema,
        response: { 200: BacktestStatusSchema, ...errors },
      },
    },
    async (request) => options.readModel.backtest(request.params.id),
  );

  app.get(
    '/v1/backtests/:id/report',
    {
      config: { queryToken: true },
      schema: {
        tags: ['backtests'],
        summary: 'The stored HTML tear sheet (also with `?token=` from POST /v1/access-tokens, for links)',
        params: IdParamsSchema,
        querystring: z.object({ token: z.string().optional() }),
        produces: ['text/html'],
        response: { 200: z.string().describe('HTML tear sheet'), ...errors },
      },
    },
    async (request, reply) => {
      const html = await options.readModel.backtestReport(request.params.id);
      return reply.type('text/html; charset=utf-8').header('content-security-policy', REPORT_CSP).send(html);
    },
  );
};
