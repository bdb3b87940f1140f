import type { HeartbeatMonitor } from '@ats/agent-rpc';
import { AgentsResponseSchema, HttpErrorSchema } from '@ats/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { mutableLiveness } from '../liveness';

export interface AgentRoutesOptions {
  readonly heartbeats: HeartbeatMonitor;
}

/** `GET /v1/agents`: every service instance that sent heartbeats recently, alive or stale. */
export const agentRoutes: FastifyPluginAsyncZod<AgentRoutesOptions> = async (app, { heartbeats }) => {
  app.get(
    '/v1/agents',
    {
      schema: {
        tags: ['agents'],
        summary: "Agents' and services' liveness from their heartbeats",
        response: { 200: AgentsResponseSchema, 401: HttpErrorSchema, 403: HttpErrorSchema },
      },
    },
    async () => ({ services: heartbeats.services().map(mutableLiveness) }),
  );
};
