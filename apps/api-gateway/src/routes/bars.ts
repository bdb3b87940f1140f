import type { Bus } from '@ats/bus';
import {
  BarsParamsSchema,
  BarsQuerySchema,
  type BarsResponse,
  BarsResponseSchema,
  HttpErrorSchema,
  Messages,
} from '@ats/contracts';
import { recordCacheLookup, type TradingMetrics } from '@ats/metrics';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { BarsCache } from '../bars-cache';
import type { GatewayChannels } from '../channels';
import { HttpProblem, STATUS_BY_REPLY_CODE } from '../errors';

export interface BarsRoutesOptions {
  readonly bus: Bus;
  readonly channels: GatewayChannels;
  readonly requestTimeoutMs: number;
  readonly cache: BarsCache;
  readonly metrics?: TradingMetrics;
}

/** Fastify sends bytes as they are; the type says what those bytes hold. */
const preSerialised = (json: Buffer) => json as unknown as BarsResponse;
/** What Fastify made of `application/json` for a JSON string, stated in full: bytes are sent as typed. */
const JSON_UTF8 = 'application/json; charset=utf-8';

/** `GET /v1/bars/:symbol?from&to&timeframe`: history from the data gateway over NATS, closed ranges cached. */
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
    async (request, reply) => {
      const key = { symbol: request.params.symbol, ...request.query };
      const cached = options.cache.get(key);
      if (options.metrics)
        recordCacheLookup(options.metrics, { cache: 'bars', tier: 'memory', hit: cached !== undefined });
      // The cached bytes are the serialised BarsResponse (validated when it was stored): sent as is.
      if (cached !== undefined)
        return reply.header('x-cache', 'hit').type(JSON_UTF8).send(preSerialised(cached));
      const answer = await options.bus.request(
        options.channels.historyRequest,
        Messages.historyRequest,
        Messages.historyResponse,
        key,
        { timeoutMs: options.requestTimeoutMs, correlationId: request.id },
      );
      if (!answer.ok) throw new HttpProblem(STATUS_BY_REPLY_CODE[answer.error.code], answer.error.message);
      const { symbol, timeframe, provider, bars } = answer.data;
      const json = options.cache.put(key, { symbol, timeframe, provider, count: bars.length, bars });
      return reply.header('x-cache', 'miss').type(JSON_UTF8).send(preSerialised(json));
    },
  );
};
