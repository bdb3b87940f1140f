import type { ApiScope } from '@ats/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblem } from '../errors';
import type { AccessTokens } from './access-token';
import { scopeAllows } from './api-key';
import type { AuditLog } from './audit';
import type { ApiKeyStore, AuthenticatedKey } from './key-store';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Scope a key needs for this route (default `read`). */
    scope?: ApiScope;
    /** Also accept a signed access token in `?token=` (EventSource and links cannot send headers). */
    queryToken?: boolean;
    /** Action name written to the audit log for this (mutating) route. */
    audit?: string;
  }
  interface FastifyRequest {
    apiKey?: AuthenticatedKey;
    /** What a mutating call acted on (a key id, a backtest id); defaults to the URL path. */
    auditSubject?: string;
    auditDetails?: Record<string, unknown>;
  }
}

export interface GuardOptions {
  readonly keys: ApiKeyStore;
  readonly accessTokens: AccessTokens;
  readonly audit: AuditLog;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const BEARER = /^Bearer\s+(\S+)$/i;

function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') return BEARER.exec(header)?.[1];
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' ? apiKey : undefined;
}

function queryToken(request: FastifyRequest): string | undefined {
  const token = (request.query as Record<string, unknown> | undefined)?.token;
  return typeof token === 'string' ? token : undefined;
}

/**
 * Installs key checks on every route of `scope`: 401 without a valid key (`Authorization: Bearer` or `x-api-key`,
 * or a signed `?token=` where the route allows it), 403 without the route's scope; and an audit row for every
 * mutating call made with a key, written before the answer leaves.
 */
export function installGuard(scope: FastifyInstance, options: GuardOptions): void {
  scope.decorateRequest('apiKey', undefined);
  scope.decorateRequest('auditSubject', undefined);
  scope.decorateRequest('auditDetails', undefined);

  scope.addHook('onRequest', async (request: FastifyRequest) => {
    const config = request.routeOptions.config;
    const token = presentedKey(request);
    let key: AuthenticatedKey | undefined;
    if (token !== undefined) {
      key = await options.keys.authenticate(token);
    } else if (config.queryToken) {
      const signed = queryToken(request);
      const grant = signed ? options.accessTokens.verify(signed) : undefined;
      key = grant ? await options.keys.activeById(grant.keyId) : undefined;
      // A signed token only ever grants reading, whatever the key could do.
      if (key) key = { ...key, scopes: ['read'] };
    }
    if (!key) {
      throw new HttpProblem(
        401,
        token === undefined
          ? 'an API key is required (Authorization: Bearer <key>)'
          : 'invalid or revoked API key',
      );
    }
    request.apiKey = key;
    const required = config.scope ?? 'read';
    if (!scopeAllows(key.scopes, required)) {
      throw new HttpProblem(403, `this API key lacks the '${required}' scope`);
    }
  });

  // A callback hook: reads (most requests) pass through without a promise; mutating calls wait for the audit row.
  scope.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload, done) => {
    if (!MUTATING.has(request.method) || !request.apiKey) return done(null, payload);
    audit(options.audit, request, reply).then(() => done(null, payload), done);
  });
}

async function audit(log: AuditLog, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const apiKey = request.apiKey as AuthenticatedKey;
  const path = request.url.split('?')[0] ?? request.url;
  try {
    await log.record({
      actor: apiKey.id,
      action: request.routeOptions.config.audit ?? `${request.method} ${request.routeOptions.url ?? path}`,
      subject: request.auditSubject ?? path,
      details: {
        statusCode: reply.statusCode,
        requestId: request.id,
        keyPrefix: apiKey.prefix,
        ...request.auditDetails,
      },
    });
  } catch (error) {
    // The action already happened; a lost audit row is an operational alarm, not the caller's failure.
    request.log.error({ err: error, action: request.routeOptions.config.audit }, 'audit event not written');
  }
}
