import { AccessTokenSchema, HttpErrorSchema } from '@ats/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AccessTokens } from '../auth/access-token';
import { HttpProblem } from '../errors';
import type { LiveEvents } from '../live-events';

export interface StreamRoutesOptions {
  readonly live: LiveEvents;
  readonly accessTokens: AccessTokens;
  /** Open streams at most (each is a socket and a listener). */
  readonly maxClients: number;
}

/** A comment line this often keeps proxies from closing an idle stream. */
export const STREAM_KEEPALIVE_MS = 15_000;

/**
 * `POST /v1/access-tokens`: a short-lived signed read token for EventSource and links;
 * `GET /v1/stream`: server-sent events `decision` and `fill` as they cross the bus.
 */
export const streamRoutes: FastifyPluginAsyncZod<StreamRoutesOptions> = async (app, options) => {
  // Open streams never end by themselves: close them when the server closes so shutdown does not hang.
  const open = new Set<() => void>();
  app.addHook('onClose', async () => {
    for (const end of open) end();
  });

  app.post(
    '/v1/access-tokens',
    {
      config: { audit: 'access-token.issue' },
      schema: {
        tags: ['stream'],
        summary: 'A signed read-only token (5 min) for `?token=` on /v1/stream and report links',
        response: { 201: AccessTokenSchema, 401: HttpErrorSchema, 403: HttpErrorSchema },
      },
    },
    async (request, reply) => {
      const keyId = request.apiKey?.id;
      if (!keyId) throw new HttpProblem(401, 'an API key is required');
      const issued = options.accessTokens.issue(keyId);
      request.auditSubject = keyId;
      return reply.code(201).send({ token: issued.token, expiresAt: issued.expiresAt.toISOString() });
    },
  );

  app.get(
    '/v1/stream',
    {
      config: { queryToken: true },
      schema: {
        tags: ['stream'],
        summary: 'Server-sent events: `decision` (AgentDecision) and `fill` (Fill) as they happen',
        querystring: z.object({ token: z.string().optional() }),
        produces: ['text/event-stream'],
        response: {
          200: z.string().describe('text/event-stream'),
          401: HttpErrorSchema,
          503: HttpErrorSchema,
        },
      },
    },
    async (request, reply) => {
      if (options.live.listeners >= options.maxClients) {
        throw new HttpProblem(503, 'too many open streams; try again later');
      }
      reply.hijack();
      const socket = reply.raw;
      socket.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      socket.write(': connected\n\n');
      const stop = options.live.listen((event) => {
        socket.write(`event: ${event.kind}\ndata: ${JSON.stringify(event.data)}\n\n`);
      });
      const keepalive = setInterval(() => socket.write(': keepalive\n\n'), STREAM_KEEPALIVE_MS);
      const close = () => {
        clearInterval(keepalive);
        stop();
        open.delete(end);
      };
      const end = () => {
        close();
        socket.end();
      };
      open.add(end);
      request.raw.once('close', close);
    },
  );
};
