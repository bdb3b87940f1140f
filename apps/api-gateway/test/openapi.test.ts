import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from './support';

/** Every public route: a new route must be added here and appear in the document. */
const ROUTES = [
  'get /health',
  'get /ready',
  'get /v1/bars/{symbol}',
  'get /v1/indicators/{symbol}',
  'get /v1/runs',
  'get /v1/portfolio',
  'get /v1/portfolio/equity',
  'get /v1/positions',
  'get /v1/orders',
  'get /v1/paper-runs/{runId}',
  'get /v1/fills',
  'get /v1/decisions',
  'get /v1/agents',
  'post /v1/analyze',
  'post /v1/cycles/{correlationId}/replay',
  'post /v1/backtests',
  'get /v1/backtests',
  'get /v1/backtests/{id}',
  'get /v1/backtests/{id}/report',
  'post /v1/access-tokens',
  'get /v1/stream',
  'post /v1/keys',
  'get /v1/keys',
  'post /v1/keys/{id}/revoke',
  'post /v1/keys/{id}/rotate',
  'get /v1/ready',
  'post /v1/paper-runs',
].sort();

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
// Keywords of JSON Schema 2019+/OpenAPI 3.1 that an OpenAPI 3.0.3 schema object must not use.
const NOT_IN_OAS_30 = ['const', '$schema', '$defs', 'prefixItems', 'propertyNames', 'examples', 'if', 'then'];

type Json = Record<string, unknown>;
let gateway: Gateway;
let spec: Json;

beforeAll(async () => {
  gateway = await startGateway();
  const response = await gateway.app.inject({ url: '/openapi.json' });
  expect(response.statusCode).toBe(200);
  spec = response.json();
});
afterAll(async () => gateway?.close());

/** The object at a path of keys; fails the test when a step is missing. */
function at(node: unknown, ...keys: string[]): Json {
  let current = node;
  for (const key of keys) {
    current = (current as Json | undefined)?.[key];
    if (current === undefined) throw new Error(`missing ${keys.join(' > ')} at ${key}`);
  }
  return current as Json;
}

/** Every schema object in the document, with its JSON pointer. */
function schemas(node: unknown, pointer: string, out: [string, Json][] = []): [string, Json][] {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) schemas(item, `${pointer}/${i}`, out);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'schema' && value && typeof value === 'object')
        out.push([`${pointer}/schema`, value as Json]);
      schemas(value, `${pointer}/${key}`, out);
    }
  }
  return out;
}

describe('OpenAPI document', () => {
  it('is OpenAPI 3.0.3 with info, public without a key', async () => {
    expect(spec.openapi).toBe('3.0.3');
    const info = spec.info as Json;
    expect(typeof info.title).toBe('string');
    expect(typeof info.version).toBe('string');
    expect(
      Object.keys(spec).every((k) =>
        ['openapi', 'info', 'paths', 'components', 'tags', 'servers', 'security', 'externalDocs'].includes(k),
      ),
    ).toBe(true);
  });

  it('lists every route exactly, and no hidden ones', () => {
    const paths = spec.paths as Record<string, Json>;
    const listed = Object.entries(paths)
      .flatMap(([path, item]) =>
        Object.keys(item)
          .filter((m) => HTTP_METHODS.has(m))
          .map((m) => `${m} ${path}`),
      )
      .sort();
    expect(listed).toEqual(ROUTES);
  });

  it('gives every operation a summary, tags, a 2xx response with content and declared path parameters', () => {
    const declaredTags = new Set((spec.tags as { name: string }[]).map((t) => t.name));
    for (const [path, item] of Object.entries(spec.paths as Record<string, Record<string, Json>>)) {
      expect(path.startsWith('/')).toBe(true);
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(item)) {
        const where = `${method} ${path}`;
        expect(op.summary, where).toBeTypeOf('string');
        for (const tag of op.tags as string[])
          expect(declaredTags.has(tag), `${where} tag ${tag}`).toBe(true);
        const responses = op.responses as Record<string, Json>;
        const ok = Object.keys(responses).filter((code) => /^2\d\d$/.test(code));
        expect(ok.length, where).toBeGreaterThan(0);
        for (const [code, response] of Object.entries(responses)) {
          expect(/^[1-5]\d\d$|^default$/.test(code), `${where} ${code}`).toBe(true);
          expect(response.description, `${where} ${code}`).toBeTypeOf('string');
        }
        const params = (op.parameters ?? []) as {
          name: string;
          in: string;
          required?: boolean;
          schema?: Json;
        }[];
        for (const p of params) {
          expect(['query', 'path', 'header', 'cookie'].includes(p.in), `${where} ${p.name}`).toBe(true);
          expect(p.schema, `${where} ${p.name}`).toBeTypeOf('object');
        }
        const pathParams = params.filter((p) => p.in === 'path');
        expect(pathParams.map((p) => p.name).sort(), where).toEqual([...templated].sort());
        expect(
          pathParams.every((p) => p.required === true),
          where,
        ).toBe(true);
        if (['post', 'put', 'patch'].includes(method) && op.requestBody) {
          const body = op.requestBody as { content: Record<string, { schema: Json }> };
          expect(body.content['application/json']?.schema, where).toBeTypeOf('object');
        }
      }
    }
  });

  it('marks every /v1 operation as needing a key and declares the schemes', () => {
    const schemes = (spec.components as Json).securitySchemes as Record<string, Json>;
    expect(schemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes.apiKeyHeader).toMatchObject({ type: 'apiKey', in: 'header', name: 'x-api-key' });
    for (const [path, item] of Object.entries(spec.paths as Record<string, Record<string, Json>>)) {
      for (const op of Object.values(item)) {
        const security = op.security as Record<string, unknown>[] | undefined;
        if (path.startsWith('/v1/')) {
          expect(security?.flatMap((s) => Object.keys(s)).sort(), path).toEqual([
            'apiKeyHeader',
            'bearerAuth',
          ]);
        } else {
          expect(security, path).toBeUndefined();
        }
      }
    }
  });

  it('uses only OpenAPI 3.0 schema keywords (nullable, no type arrays) and resolvable $refs', () => {
    const all = schemas(spec.paths, '#/paths');
    expect(all.length).toBeGreaterThan(50);
    const text = JSON.stringify(spec);
    for (const [pointer, schema] of all) {
      const nested = JSON.stringify(schema);
      for (const keyword of NOT_IN_OAS_30)
        expect(nested.includes(`"${keyword}":`), `${pointer} uses ${keyword}`).toBe(false);
      expect(/"type":\[/.test(nested), `${pointer} has a type array`).toBe(false);
      expect(nested.includes('{"type":"null"}'), `${pointer} has a null type`).toBe(false);
    }
    for (const [, ref] of text.matchAll(/"\$ref":"([^"]+)"/g)) {
      const target = (ref ?? '')
        .replace(/^#\//, '')
        .split('/')
        .reduce<unknown>((node, key) => (node as Json)?.[key], spec);
      expect(target, ref).toBeDefined();
    }
  });

  it('documents bodies from the zod contracts (e.g. decisions page, backtest request defaults)', () => {
    const page = at(
      spec,
      'paths',
      '/v1/decisions',
      'get',
      'responses',
      '200',
      'content',
      'application/json',
      'schema',
    );
    expect(Object.keys(at(page, 'properties')).sort()).toEqual(['decisions', 'nextCursor']);
    expect(at(page, 'properties', 'nextCursor').nullable).toBe(true);
    const body = at(
      spec,
      'paths',
      '/v1/backtests',
      'post',
      'requestBody',
      'content',
      'application/json',
      'schema',
    );
    expect(at(body, 'properties', 'strategy').enum).toEqual(['multi-agent', 'sma-crossover', 'buy-and-hold']);
    expect(at(body, 'properties', 'capital').default).toBe(100_000);
    const report = at(spec, 'paths', '/v1/backtests/{id}/report', 'get', 'responses', '200', 'content');
    expect(Object.keys(report)).toEqual(['text/html']);
  });
});
