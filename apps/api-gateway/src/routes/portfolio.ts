import {
  EquityCurveResponseSchema,
  FillsQuerySchema,
  FillsResponseSchema,
  HttpErrorSchema,
  OrdersQuerySchema,
  OrdersResponseSchema,
  PortfolioResponseSchema,
  PositionsResponseSchema,
  RunListSchema,
  RunQuerySchema,
} from '@ats/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ReadModel } from '../read-model';

export interface PortfolioRoutesOptions {
  readonly readModel: ReadModel;
}

const errors = { 400: HttpErrorSchema, 401: HttpErrorSchema, 403: HttpErrorSchema, 404: HttpErrorSchema };

/** Runs, the portfolio of a run (cash, equity, positions), its equity curve, orders and fills, from Postgres. */
export const portfolioRoutes: FastifyPluginAsyncZod<PortfolioRoutesOptions> = async (app, { readModel }) => {
  app.get(
    '/v1/runs',
    {
      schema: {
        tags: ['portfolio'],
        summary: 'Trading runs (live, paper, backtest), newest first',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: RunListSchema, ...errors },
      },
    },
    async (request) => ({ runs: await readModel.runs(request.query.limit) }),
  );

  app.get(
    '/v1/portfolio',
    {
      schema: {
        tags: ['portfolio'],
        summary: "A run's cash, last equity and open positions (default: the latest live or paper run)",
        querystring: RunQuerySchema,
        response: { 200: PortfolioResponseSchema, ...errors },
      },
    },
    async (request) => readModel.portfolio(request.query.runId),
  );

  app.get(
    '/v1/portfolio/equity',
    {
      schema: {
        tags: ['portfolio'],
        summary: 'Equity curve of a run from its per-cycle snapshots, oldest first',
        querystring: RunQuerySchema.extend({
          limit: z.coerce.number().int().min(1).max(10_000).default(1_000),
        }),
        response: { 200: EquityCurveResponseSchema, ...errors },
      },
    },
    async (request) => readModel.equityCurve(request.query.runId, request.query.limit),
  );

  app.get(
    '/v1/positions',
    {
      schema: {
        tags: ['portfolio'],
        summary: 'Open positions of a run',
        querystring: RunQuerySchema,
        response: { 200: PositionsResponseSchema, ...errors },
      },
    },
    async (request) => readModel.positions(request.query.runId),
  );

  app.get(
    '/v1/orders',
    {
      schema: {
        tags: ['portfolio'],
        summary: 'Orders of a run, newest first',
        querystring: OrdersQuerySchema,
        response: { 200: OrdersResponseSchema, ...errors },
      },
    },
    async (request) => readModel.orders(request.query),
  );

  app.get(
    '/v1/fills',
    {
      schema: {
        tags: ['portfolio'],
        summary: 'Fills of a run, newest first',
        querystring: FillsQuerySchema,
        response: { 200: FillsResponseSchema, ...errors },
      },
    },
    async (request) => readModel.fills(request.query),
  );
};
