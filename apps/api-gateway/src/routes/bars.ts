import type { Bus } from '@ats/bus';
import {
  BarsParamsSchema,
  BarsQuerySchema,
  BarsResponseSchema,
  HttpErrorSchema,
  Messages,
  Subjects,
} from '@ats/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { HttpProblem, STATUS_BY_REPLY_CODE } from '../errors';

export interface BarsRoutesOptions {
  readonly bus: Bus;
  readonly requestTimeoutMs: number;
}

/** `GET /v1/bars/:symbol?from&to&timeframe`: history from the data gateway over NATS request/reply. */
export const barsRoutes: FastifyPluginAsyncZod<BarsRoutesOptions> = async (app, options) => {
  app.get(
    '/v1/bars/:symbol',
    {
      schema: {
        tags: ['market data'],
        summary: 'Daily (or intraday) bars of one symbol between two dates, inclusive',
        params: BarsParamsSchema,
        querystring: BarsQuerySchema,
        response: {
          200: BarsResponseSchema,
          400: HttpErrorSchema,
          429: HttpErrorSchema,
          503: HttpErrorSchema,
          504: HttpErrorSchema,
        },
      },
    },
    async (request) => {
      const reply = await options.bus.request(
        Subjects.historyRequest,
        Messages.historyRequest,
        Messages.historyResponse,
        { symbol: request.params.symbol, ...request.query },
        { timeoutMs: options.requestTimeoutMs, correlationId: request.id },
      );
      if (!reply.ok) throw new HttpProblem(STATUS_BY_REPLY_CODE[reply.error.code], reply.error.message);
      const { symbol, timeframe, provider, bars } = reply.data;
      return { symbol, timeframe, provider, count: bars.length, bars };
    },
  );
};
