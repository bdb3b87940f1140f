import { DecisionsPageSchema, DecisionsQuerySchema, HttpErrorSchema } from '@ats/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { decodeCursor } from '../decision-cursor';
import { HttpProblem } from '../errors';
import type { ReadModel } from '../read-model';

export interface DecisionRoutesOptions {
  readonly readModel: ReadModel;
}

/** `GET /v1/decisions`: agents' decisions by symbol, agent, time range, correlation id or run; cursor pages. */
export const decisionRoutes: FastifyPluginAsyncZod<DecisionRoutesOptions> = async (app, { readModel }) => {
  app.get(
    '/v1/decisions',
    {
      schema: {
        tags: ['agents'],
        summary: 'Decisions newest first (decidedAt desc, id desc); pass `nextCursor` back as `cursor`',
        querystring: DecisionsQuerySchema,
        response: {
          200: DecisionsPageSchema,
          400: HttpErrorSchema,
          401: HttpErrorSchema,
          403: HttpErrorSchema,
        },
      },
    },
    async (request) => {
      const { cursor, limit, ...filter } = request.query;
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      if (cursor !== undefined && after === undefined) {
        throw new HttpProblem(400, 'querystring.cursor: not a cursor this API issued');
      }
      return readModel.decisions(filter, limit, after);
    },
  );
};
