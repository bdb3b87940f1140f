/**
 * Malformed HTTP requests for the API gateway's public routes. Each one breaks its route's contract in at least
 * one definite way (a request that could pass validation would reach a backend and measure something else), and
 * many add a second hazard: prototype-pollution keys, huge numbers, oversized strings and arrays.
 */
import { mulberry32 } from '@ats/contracts';

export type ApiMalformedKind =
  | 'random_bytes'
  | 'truncated_json'
  | 'empty_json_body'
  | 'wrong_content_type'
  | 'proto_pollution'
  | 'constructor_pollution'
  | 'wrong_types'
  | 'missing_fields'
  | 'oversized_string'
  | 'oversized_array'
  | 'bad_enum'
  | 'invalid_date'
  | 'huge_number'
  | 'over_body_limit'
  | 'bad_query';

export interface ApiMalformedRequest {
  readonly kind: ApiMalformedKind;
  readonly method: 'GET' | 'POST';
  /** Path and query string. */
  readonly path: string;
  readonly contentType?: string;
  readonly body?: Uint8Array | string;
}

/** Fastify's default body limit is 1 MiB; this is just past it. */
export const OVER_BODY_LIMIT_BYTES = 1_048_576 + 1_024;
/** Beyond every string bound of the contracts (names ≤ 100, cursors ≤ 512), well inside the body limit. */
const OVERSIZED_STRING_CHARS = 200_000;
/** Beyond every array bound (symbols ≤ 500, scopes ≤ 3). */
const OVERSIZED_ARRAY_ITEMS = 5_000;

/** Routes whose bodies have a contract, with one valid body each to corrupt. */
const BODY_ROUTES = {
  '/v1/analyze': { symbols: ['AAPL'], pattern: 'parallel' },
  '/v1/backtests': { symbols: ['AAPL'], start: '2023-01-03', end: '2023-03-31', attribution: false },
  '/v1/keys': { name: 'chaos', scopes: ['read'] },
} as const;
type BodyRoute = keyof typeof BODY_ROUTES;
const BODY_ROUTE_LIST = Object.keys(BODY_ROUTES) as BodyRoute[];
/** Takes no body at all: only what breaks parsing (or the content type) is malformed for it. */
const BODYLESS_POST = '/v1/access-tokens';
const POST_ROUTES = [...BODY_ROUTE_LIST, BODYLESS_POST] as const;

/** Deterministic PRNG: the same index always yields the same request, so failures replay. */
const random = mulberry32;

const pick = <T>(rnd: () => number, items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
const json = (path: string, kind: ApiMalformedKind, value: unknown, raw?: string): ApiMalformedRequest => ({
  kind,
  method: 'POST',
  path,
  contentType: 'application/json',
  body: raw ?? JSON.stringify(value),
});

/** A value of a type no field of the contracts accepts where it is put. */
const WRONG_VALUES: readonly unknown[] = [
  42,
  -1,
  true,
  null,
  'AAPL',
  { nested: { deeper: [] } },
  [[[]]],
  1e308,
];

/** One field of the route's valid body replaced by something its contract must refuse. */
function corruptField(route: BodyRoute, kind: ApiMalformedKind, rnd: () => number): Record<string, unknown> {
  const body: Record<string, unknown> = { ...BODY_ROUTES[route] };
  const long = 'A'.repeat(OVERSIZED_STRING_CHARS);
  switch (route) {
    case '/v1/analyze':
      if (kind === 'wrong_types')
        body[pick(rnd, ['symbols', 'pattern'])] = pick(rnd, WRONG_VALUES.slice(0, 4));
      if (kind === 'missing_fields') body.symbols = [];
      if (kind === 'oversized_string') body.symbols = [long];
      if (kind === 'oversized_array')
        body.symbols = Array.from({ length: OVERSIZED_ARRAY_ITEMS }, () => 'AAPL');
      if (kind === 'bad_enum') body.pattern = pick(rnd, ['random', 'SEQUENTIAL', '', 'parallel ']);
      if (kind === 'invalid_date') body.symbols = ['2023-02-30'];
      if (kind === 'huge_number') body.symbols = [Number.MAX_SAFE_INTEGER * 1e10];
      break;
    case '/v1/backtests':
      if (kind === 'wrong_types')
        body[pick(rnd, ['symbols', 'start', 'capital', 'attribution', 'weights'])] = pick(rnd, [
          'x',
          [1],
          { a: 1 },
        ]);
      if (kind === 'missing_fields') Object.assign(body, { weights: { technical: 0.5 } });
      if (kind === 'oversized_string') body.benchmark = long;
      if (kind === 'oversized_array')
        body.symbols = Array.from({ length: OVERSIZED_ARRAY_ITEMS }, () => 'MSFT');
      if (kind === 'bad_enum') body[pick(rnd, ['strategy', 'rebalance', 'llmProvider'])] = 'yolo';
      if (kind === 'invalid_date')
        Object.assign(
          body,
          pick(rnd, [{ start: '2023-02-30' }, { end: '31/12/2023' }, { start: '2024-01-01' }]),
        );
      // Bounded fields only: `capital` has no upper bound in the contract, so 1e308 of it is a valid request.
      if (kind === 'huge_number')
        Object.assign(body, pick(rnd, [{ slippageBps: 1e308 }, { warmupBars: 1e308 }, { capital: -1e308 }]));
      break;
    case '/v1/keys':
      if (kind === 'wrong_types') body[pick(rnd, ['name', 'scopes'])] = pick(rnd, [7, false, { read: true }]);
      if (kind === 'missing_fields') delete body[pick(rnd, ['name', 'scopes'])];
      if (kind === 'oversized_string') body.name = long;
      if (kind === 'oversized_array')
        body.scopes = Array.from({ length: OVERSIZED_ARRAY_ITEMS }, () => 'read');
      if (kind === 'bad_enum') body.scopes = [pick(rnd, ['root', 'superuser', 'ADMIN'])];
      if (kind === 'invalid_date') body.name = '';
      if (kind === 'huge_number') body.scopes = [1e308];
      break;
  }
  return body;
}

function randomBytes(rnd: () => number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(rnd() * 256);
  // Never valid JSON by accident: a lone brace up front.
  bytes[0] = 0x7b;
  bytes[1] = 0xff;
  return bytes;
}

/** Query strings each breaking the GET route's contract (bad dates, reversed ranges, bad tickers, bad enums). */
function badQuery(rnd: () => number): string {
  const huge = 'Z'.repeat(pick(rnd, [600, 5_000]));
  const route = pick(rnd, ['bars', 'indicators', 'decisions'] as const);
  if (route === 'decisions') {
    const query = pick(rnd, [
      'limit=abc',
      'limit=-5',
      'limit=100000000000000000000000',
      'agent=oracle',
      'symbol=aapl',
      'from=2023-13-01T00:00:00Z',
      'from=2023-06-01T00:00:00Z&to=2023-01-01T00:00:00Z',
      `cursor=${huge}`,
      'to=yesterday',
      '__proto__[admin]=true&limit=0',
      'limit=1e400',
      `correlationId=${huge}`,
    ]);
    return `/v1/decisions?${query}`;
  }
  const symbol = pick(rnd, [
    'AAPL',
    'aapl',
    '%00',
    'TOO-LONG-TICKER-NAME',
    '__proto__',
    encodeURIComponent('💥'),
  ]);
  const valid = symbol === 'AAPL';
  const queries = [
    'from=2023-02-30&to=2023-03-01',
    'from=2023-03-01&to=2023-01-01',
    'from=yesterday&to=today',
    'to=2023-01-01',
    '',
    'from[]=2023-01-01&to=2023-02-01',
    `from=${huge}&to=2023-01-01`,
    'from=1e400&to=2023-01-01',
    ...(route === 'bars' ? ['from=2023-01-01&to=2023-02-01&timeframe=7d'] : []),
  ];
  // With a valid ticker only a broken query; with a broken ticker any query (even a valid one).
  const query = valid ? pick(rnd, queries) : pick(rnd, [...queries, 'from=2023-01-03&to=2023-01-31']);
  return `/v1/${route}/${symbol}${query ? `?${query}` : ''}`;
}

const KIND_CYCLE: readonly ApiMalformedKind[] = [
  'random_bytes',
  'truncated_json',
  'empty_json_body',
  'wrong_content_type',
  'proto_pollution',
  'constructor_pollution',
  'wrong_types',
  'missing_fields',
  'oversized_string',
  'oversized_array',
  'bad_enum',
  'invalid_date',
  'huge_number',
  'bad_query',
  'bad_query',
  'bad_query',
];
/** One in this many requests is an over-limit body (a megabyte each: enough to prove the 413, cheap to send). */
const OVER_LIMIT_EVERY = 500;

/** The i-th malformed request (deterministic). */
export function apiMalformedRequest(index: number): ApiMalformedRequest {
  const rnd = random(index + 1);
  if (index % OVER_LIMIT_EVERY === OVER_LIMIT_EVERY - 1) {
    const route = pick(rnd, POST_ROUTES);
    return json(route, 'over_body_limit', undefined, `{"name":"${'x'.repeat(OVER_BODY_LIMIT_BYTES)}"}`);
  }
  const kind = KIND_CYCLE[index % KIND_CYCLE.length] as ApiMalformedKind;
  const route = pick(rnd, POST_ROUTES);
  const bodyRoute = pick(rnd, BODY_ROUTE_LIST);
  switch (kind) {
    case 'random_bytes':
      return {
        kind,
        method: 'POST',
        path: route,
        contentType: 'application/json',
        body: randomBytes(rnd, 1 + Math.floor(rnd() * 512) + 2),
      };
    case 'truncated_json': {
      const text = JSON.stringify(BODY_ROUTES[bodyRoute]);
      return json(route, kind, undefined, text.slice(0, 1 + Math.floor(rnd() * (text.length - 2))));
    }
    case 'empty_json_body':
      return json(route, kind, undefined, '');
    case 'wrong_content_type':
      return {
        kind,
        method: 'POST',
        path: route,
        contentType: pick(rnd, [
          'application/xml',
          'text/csv',
          'application/x-www-form-urlencoded',
          'image/png',
          'multipart/form-data; boundary=x',
        ]),
        body: pick(rnd, ['<a/>', 'symbol,qty\nAAPL,1', 'name=chaos&scopes=admin', '\x89PNG', '--x--']),
      };
    case 'proto_pollution':
      return json(
        route,
        kind,
        undefined,
        `{"__proto__":{"admin":true,"scopes":["admin"]},"name":"p","scopes":["read"]}`,
      );
    case 'constructor_pollution':
      return json(
        route,
        kind,
        undefined,
        `{"constructor":{"prototype":{"polluted":true}},"symbols":["AAPL"]}`,
      );
    case 'bad_query':
      return { kind, method: 'GET', path: badQuery(rnd) };
    default:
      return json(bodyRoute, kind, corruptField(bodyRoute, kind, rnd));
  }
}
