import type { Bus } from '@ats/bus';
import {
  CycleReplayParamsSchema,
  CycleReplaySchema,
  HttpErrorSchema,
  RequestReplyContracts,
} from '@ats/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { askService } from '../bus-exchange';
import type { GatewayChannels } from '../channels';

export interface CycleRoutesOptions {
  readonly bus: Bus;
  readonly channels: GatewayChannels;
  /** A replay reads the cycle's history and runs the whole team: as long as a cycle. */
  readonly cycleTimeoutMs: number;
}

/**
 * `POST /v1/cycles/{correlationId}/replay`: the orchestrator re-runs a recorded cycle offline on the decision
 * context it recorded in JetStream (`cycle.replay`) and says whether the decisions are identical.
 */
export const cycleRoutes: FastifyPluginAsyncZod<CycleRoutesOptions> = async (app, options) => {
  app.post(
    '/v1/cycles/:correlationId/replay',
    {
      config: { scope: 'trade', audit: 'cycle.replay' },
      schema: {
        tags: ['agents'],
        summary: 'Replay a recorded cycle from JetStream history and compare its decisions',
        params: CycleReplayParamsSchema,
        response: {
          200: CycleReplaySchema,
          400: HttpErrorSchema,
          401: HttpErrorSchema,
          403: HttpErrorSchema,
          404: HttpErrorSchema,
          503: HttpErrorSchema,
          504: HttpErrorSchema,
        },
      },
    },
    async (request) => {
      request.auditSubject = request.params.correlationId;
      // An unknown cycle is a missing resource here, not a bad parameter.
      return askService(
        options.bus,
        options.channels.cycleReplay,
        RequestReplyContracts.cycleReplay,
        { correlationId: request.params.correlationId },
        { timeoutMs: options.cycleTimeoutMs, correlationId: request.id, statusOf: { not_found: 404 } },
      );
    },
  );
};
