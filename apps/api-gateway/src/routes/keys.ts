import {
  ApiKeyListSchema,
  ApiKeySummarySchema,
  CreateApiKeyRequestSchema,
  HttpErrorSchema,
  IdParamsSchema,
  IssuedApiKeySchema,
} from '@ats/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ApiKeyNotFoundError, ApiKeyRevokedError, type ApiKeyStore } from '../auth/key-store';
import { HttpProblem } from '../errors';

export interface KeyRoutesOptions {
  readonly keys: ApiKeyStore;
}

const errors = { 400: HttpErrorSchema, 401: HttpErrorSchema, 403: HttpErrorSchema, 404: HttpErrorSchema };

function asHttp(error: unknown): never {
  if (error instanceof ApiKeyNotFoundError) throw new HttpProblem(404, error.message);
  if (error instanceof ApiKeyRevokedError) throw new HttpProblem(409, error.message);
  throw error;
}

/** Admin endpoints for API keys: create, list, revoke, rotate (secrets are shown once, never stored). */
export const keyRoutes: FastifyPluginAsyncZod<KeyRoutesOptions> = async (app, { keys }) => {
  app.post(
    '/v1/keys',
    {
      config: { scope: 'admin', audit: 'api-key.create' },
      schema: {
        tags: ['keys'],
        summary: 'Create an API key; the secret is in this answer only',
        body: CreateApiKeyRequestSchema,
        response: { 201: IssuedApiKeySchema, ...errors },
      },
    },
    async (request, reply) => {
      const issued = await keys.create(request.body.name, request.body.scopes);
      request.auditSubject = issued.id;
      request.auditDetails = { name: issued.name, scopes: issued.scopes, prefix: issued.prefix };
      return reply.code(201).send(issued);
    },
  );

  app.get(
    '/v1/keys',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['keys'],
        summary: 'All API keys (no secrets)',
        response: { 200: ApiKeyListSchema, ...errors },
      },
    },
    async () => ({ keys: await keys.list() }),
  );

  app.post(
    '/v1/keys/:id/revoke',
    {
      config: { scope: 'admin', audit: 'api-key.revoke' },
      schema: {
        tags: ['keys'],
        summary: 'Revoke a key (idempotent)',
        params: IdParamsSchema,
        response: { 200: ApiKeySummarySchema, ...errors },
      },
    },
    async (request) => {
      request.auditSubject = request.params.id;
      return keys.revoke(request.params.id).catch(asHttp);
    },
  );

  app.post(
    '/v1/keys/:id/rotate',
    {
      config: { scope: 'admin', audit: 'api-key.rotate' },
      schema: {
        tags: ['keys'],
        summary: 'New secret for the same key id; the old secret stops working',
        params: IdParamsSchema,
        response: { 200: IssuedApiKeySchema, ...errors, 409: HttpErrorSchema },
      },
    },
    async (request) => {
      request.auditSubject = request.params.id;
      const rotated = await keys.rotate(request.params.id).catch(asHttp);
      request.auditDetails = { prefix: rotated.prefix };
      return rotated;
    },
  );
};
