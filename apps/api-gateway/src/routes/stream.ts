import { AccessTokenSchema, HttpErrorSchema } from '@ats/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AccessTokens } from '../auth/access-token';
import { HttpProblem } from '../errors';
import type { LiveEvent, LiveEvents } from '../live-events';

export interface StreamLimits {
  /** Open streams at most, gateway-wide (each is a socket and a listener). */
  readonly maxClients: number;
  /** Open streams at most per API key, so one key cannot take every slot. */
  readonly maxPerKey: number;
  /** Bytes waiting to be sent to one client at most: past it the client is too slow and is disconnected. */
  readonly maxBufferedBytes: number;
}

export interface StreamRoutesOptions extends StreamLimits {
  readonly live: LiveEvents;
  readonly accessTokens: AccessTokens;
}

/** A comment line this often keeps proxies from closing an idle stream. */
export const STREAM_KEEPALIVE_MS = 15_000;
/** A dashboard with a few tabs open per key; more is a leak or an attack. */
export const DEFAULT_MAX_STREAMS_PER_KEY = 10;
/**
 * Hundreds of decisions of backlog; at 100 streams the gateway buffers 25 MiB at most. A client that falls this far
 * behind is disconnected rather than sent a stream with holes: EventSource reconnects and starts afresh.
 */
export const DEFAULT_STREAM_BUFFER_BYTES = 256 * 1024;

/**
 * One event's SSE frame, built once and shared by every stream: the same string sits in each slow client's buffer
 * instead of a copy per client.
 */
const frames = new WeakMap<LiveEvent, string>();
function frameOf(event: LiveEvent): string {
  let frame = frames.get(event);
  if (frame === undefined) {
    frame = `event: ${event.kind}\ndata: ${JSON.stringify(event.data)}\n\n`;
    frames.set(event, frame);
  }
  return frame;
}

/**
 * `POST /v1/access-tokens`: a short-lived signed read token for EventSource and links;
 * `GET /v1/stream`: server-sent events `decision` and `fill` as they cross the bus.
 */
export const streamRoutes: FastifyPluginAsyncZod<StreamRoutesOptions> = async (app, options) => {
  // Open streams never end by themselves: close them when the server closes so shutdown does not hang.
  const open = new Set<() => void>();
  const openPerKey = new Map<string, number>();
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
          429: HttpErrorSchema,
          503: HttpErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const keyId = request.apiKey?.id;
      if (!keyId) throw new HttpProblem(401, 'an API key is required');
      if (options.live.listeners >= options.maxClients) {
        throw new HttpProblem(503, 'too many open streams; try again later');
      }
      const keyStreams = openPerKey.get(keyId) ?? 0;
      if (keyStreams >= options.maxPerKey) {
        throw new HttpProblem(429, `too many open streams for this key (at most ${options.maxPerKey})`);
      }
      openPerKey.set(keyId, keyStreams + 1);
      reply.hijack();
      const socket = reply.raw;
      socket.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      // Bytes not yet handed to the kernel: a client that stops reading makes them grow without end. Writes of one
      // tick are corked together, so the backlog is judged once they are flushed, not after each write.
      let closed = false;
      let judging = false;
      const judgeBacklog = () => {
        judging = false;
        const buffered = socket.writableLength;
        if (closed || buffered <= options.maxBufferedBytes) return;
        request.log.warn(
          { keyId, bufferedBytes: buffered, maxBufferedBytes: options.maxBufferedBytes },
          'slow stream client disconnected',
        );
        close();
        socket.destroy();
      };
      const send = (text: string) => {
        if (closed) return;
        socket.write(text);
        if (!judging && socket.writableLength > options.maxBufferedBytes) {
          judging = true;
          setImmediate(judgeBacklog);
        }
      };
      const close = () => {
        if (closed) return;
        closed = true;
        clearInterval(keepalive);
        stop();
        open.delete(end);
        const left = (openPerKey.get(keyId) ?? 1) - 1;
        if (left > 0) openPerKey.set(keyId, left);
        else openPerKey.delete(keyId);
      };
      const end = () => {
        close();
        socket.end();
      };
      const stop = options.live.listen((event) => send(frameOf(event)));
      const keepalive = setInterval(() => send(': keepalive\n\n'), STREAM_KEEPALIVE_MS);
      send(': connected\n\n');
      open.add(end);
      // The response closes when the client goes away or the stream is ended or destroyed here.
      socket.once('close', close);
    },
  );
};
