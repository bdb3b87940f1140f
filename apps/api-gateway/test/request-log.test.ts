import { Writable } from 'node:stream';
import { createLogger } from '@ats/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, type Gateway, startGateway } from './support';

/** Every line the gateway logs, as written (JSON). */
const lines: string[] = [];
const capture = new Writable({
  write(chunk, _encoding, done) {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    done();
  },
});

let gateway: Gateway;
beforeAll(async () => {
  // `info`: the level of Fastify's request log, which records each request's URL.
  gateway = await startGateway({
    logger: createLogger({ service: 'api-gateway-test', level: 'info', destination: capture }),
  });
});
afterAll(async () => gateway?.close());

describe('the request log', () => {
  it('never holds an access token or a key a client put in a query string', async () => {
    const issued = await gateway.app.inject({
      method: 'POST',
      url: '/v1/access-tokens',
      headers: bearer(gateway.keys.read),
    });
    expect(issued.statusCode).toBe(201);
    const token: string = issued.json().token;
    const pastedKey = gateway.keys.admin;

    const report = await gateway.app.inject({ url: `/v1/backtests/none/report?token=${token}` });
    expect(report.statusCode).toBe(404);
    await gateway.app.inject({
      url: `/v1/decisions?limit=5&api_key=${pastedKey}`,
      headers: bearer(gateway.keys.read),
    });
    await gateway.app.inject({ url: `/v1/runs?access_token=${encodeURIComponent(pastedKey)}` });
    await gateway.app.inject({ url: `/no-such-route?${pastedKey}` });

    const urls = lines
      .map((line) => JSON.parse(line) as { req?: { url?: string } })
      .flatMap((entry) => (entry.req?.url ? [entry.req.url] : []));
    // Each request was logged, with its query's harmless values kept for debugging.
    expect(urls).toEqual(
      expect.arrayContaining([
        '/v1/backtests/none/report?token=[REDACTED]',
        '/v1/decisions?limit=5&api_key=[REDACTED]',
        '/v1/runs?access_token=[REDACTED]',
        '/no-such-route?[REDACTED]',
      ]),
    );
    const secretParts = [
      token,
      ...token.split('.'),
      pastedKey,
      pastedKey.split('_').slice(2).join('_') || pastedKey,
    ];
    for (const line of lines) {
      for (const secret of secretParts) expect(line).not.toContain(secret);
    }
  });
});
