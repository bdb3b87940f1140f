import type { Bus } from '@ats/bus';
import {
  BarsParamsSchema,
  HttpErrorSchema,
  IndicatorSeriesQuerySchema,
  IndicatorSeriesResponseSchema,
  Messages,
} from '@ats/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { GatewayChannels } from '../channels';
import { HttpProblem, STATUS_BY_REPLY_CODE } from '../errors';
import { computeIndicatorSeries, INDICATOR_WARMUP_CALENDAR_DAYS } from '../indicator-series';

export interface IndicatorRoutesOptions {
  readonly bus: Bus;
  readonly channels: GatewayChannels;
  readonly requestTimeoutMs: number;
}

const DAY_MS = 86_400_000;

/** `GET /v1/indicators/:symbol?from&to`: daily indicator columns computed on the data gateway's bars. */
export const indicatorRoutes: FastifyPluginAsyncZod<IndicatorRoutesOptions> = async (app, options) => {
  app.get(
    '/v1/indicators/:symbol',
    {
      schema: {
        tags: ['market data'],
        summary:
          'SMA, EMA, RSI, MACD, Bollinger, ATR and OBV per daily bar (warm-up bars fetched before `from`)',
        params: BarsParamsSchema,
        querystring: IndicatorSeriesQuerySchema,
        response: {
          200: IndicatorSeriesResponseSchema,
          400: HttpErrorSchema,
          503: HttpErrorSchema,
          504: HttpErrorSchema,
        },
      },
    },
    async (request) => {
      const { symbol } = request.params;
      const { from, to } = request.query;
      const warmFrom = new Date(Date.parse(`${from}T00:00:00Z`) - INDICATOR_WARMUP_CALENDAR_DAYS * DAY_MS);
      const answer = await options.bus.request(
        options.channels.historyRequest,
        Messages.historyRequest,
        Messages.historyResponse,
        { symbol, timeframe: '1d', from: warmFrom.toISOString().slice(0, 10), to },
        { timeoutMs: options.requestTimeoutMs, correlationId: request.id },
      );
      if (!answer.ok) throw new HttpProblem(STATUS_BY_REPLY_CODE[answer.error.code], answer.error.message);
      const computed = computeIndicatorSeries(answer.data.bars, `${from}T00:00:00.000Z`);
      return { symbol, timeframe: '1d' as const, provider: answer.data.provider, ...computed };
    },
  );
};
