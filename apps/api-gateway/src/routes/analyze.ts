import type { Bus } from '@ats/bus';
import {
  HttpErrorSchema,
  RequestReplyContracts,
  RunCycleRequestSchema,
  RunCycleResultSchema,
} from '@ats/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { askService } from '../bus-exchange';
import type { GatewayChannels } from '../channels';

export interface AnalyzeRoutesOptions {
  readonly bus: Bus;
  readonly channels: GatewayChannels;
  /** A cycle runs every agent (possibly LLM calls): much longer than a data request. */
  readonly cycleTimeoutMs: number;
}

/**
 * `POST /v1/analyze`: runs one analysis cycle through the orchestrator (`cycle.run`) and returns its decisions.
 * Request and reply types are the `cycle.run` row of RequestReplyContracts, which the orchestrator serves too.
 */
export const analyzeRoutes: FastifyPluginAsyncZod<AnalyzeRoutesOptions> = async (app, options) => {
  app.post(
    '/v1/analyze',
    {
      config: { scope: 'trade', audit: 'cycle.run' },
      schema: {
        tags: ['agents'],
        summary: 'Run one analysis cycle now (all agents) and return the decisions',
        body: RunCycleRequestSchema,
        response: {
          200: RunCycleResultSchema,
          400: HttpErrorSchema,
          401: HttpErrorSchema,
          403: HttpErrorSchema,
          503: HttpErrorSchema,
          504: HttpErrorSchema,
        },
      },
    },
    async (request) => {
      request.auditDetails = { request: request.body };
      const result = await askService(
        options.bus,
        options.channels.cycleRequest,
        RequestReplyContracts.cycleRun,
        request.body,
        { timeoutMs: options.cycleTimeoutMs, correlationId: request.id },
      );
      request.auditSubject = result.correlationId;
      return result;
    },
  );
};
