import type { Bus } from '@ats/bus';
import {
  HttpErrorSchema,
  PaperRunAcceptedSchema,
  PaperRunParamsSchema,
  PaperRunRequestSchema,
  PaperRunStatusSchema,
  RequestReplyContracts,
} from '@ats/contracts';
import type { PrismaClient } from '@ats/db';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { askService } from '../bus-exchange';
import type { GatewayChannels } from '../channels';
import { paperRunStatus } from '../paper-run-status';

export interface PaperRunRoutesOptions {
  readonly bus: Bus;
  readonly db: PrismaClient;
  readonly channels: GatewayChannels;
  /** The orchestrator checks the bars and opens the run before it answers. */
  readonly requestTimeoutMs: number;
}

const errors = {
  400: HttpErrorSchema,
  401: HttpErrorSchema,
  403: HttpErrorSchema,
  503: HttpErrorSchema,
  504: HttpErrorSchema,
};

/**
 * `POST /v1/paper-runs` starts (or, with a known run id, resumes) a paper run of stored bars in the orchestrator
 * (`paper.run.start`, the contract table's types); `GET /v1/paper-runs/{runId}` follows it from Postgres. Orders,
 * fills and the portfolio of the run are under `/v1/orders`, `/v1/fills` and `/v1/portfolio?runId=`.
 */
export const paperRunRoutes: FastifyPluginAsyncZod<PaperRunRoutesOptions> = async (app, options) => {
  app.post(
    '/v1/paper-runs',
    {
      config: { scope: 'trade', audit: 'paper.run.start' },
      schema: {
        tags: ['portfolio'],
        summary: 'Start or resume a paper run (stored bars replayed through the agents and the paper broker)',
        body: PaperRunRequestSchema,
        response: { 202: PaperRunAcceptedSchema, ...errors },
      },
    },
    async (request, reply) => {
      request.auditDetails = { request: request.body };
      const accepted = await askService(
        options.bus,
        options.channels.paperRunStart,
        RequestReplyContracts.paperRunStart,
        request.body,
        { timeoutMs: options.requestTimeoutMs, correlationId: request.id },
      );
      request.auditSubject = accepted.runId;
      return reply.code(202).send(accepted);
    },
  );

  app.get(
    '/v1/paper-runs/:runId',
    {
      schema: {
        tags: ['portfolio'],
        summary: "A paper run's status and progress: cycles done, orders, fills, latest equity",
        params: PaperRunParamsSchema,
        response: {
          200: PaperRunStatusSchema,
          400: HttpErrorSchema,
          401: HttpErrorSchema,
          403: HttpErrorSchema,
          404: HttpErrorSchema,
        },
      },
    },
    async (request) => paperRunStatus(options.db, request.params.runId),
  );
};
