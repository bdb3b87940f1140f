import { describe, expect, it } from 'vitest';
import { REDACTED, redactUrl } from './request-log';

describe('redactUrl', () => {
  it('keeps the path and the query values that are safe to log', () => {
    expect(redactUrl('/v1/decisions?symbol=AAPL&limit=5&from=2023-01-01T00:00:00.000Z')).toBe(
      '/v1/decisions?symbol=AAPL&limit=5&from=2023-01-01T00:00:00.000Z',
    );
    expect(redactUrl('/v1/runs')).toBe('/v1/runs');
  });

  it.each([
    ['an access token', '/v1/stream?token=eyJrIjoiYSJ9.c2ln', `/v1/stream?token=${REDACTED}`],
    ['a key under any name', '/v1/runs?limit=2&api_key=abc', `/v1/runs?limit=2&api_key=${REDACTED}`],
    ['an encoded name', '/v1/runs?acc%65ss_token=abc', `/v1/runs?acc%65ss_token=${REDACTED}`],
    ['a bare word', '/v1/runs?ats_0123456789ab_secret', `/v1/runs?${REDACTED}`],
    ['an API key under a loggable name', '/v1/runs?runId=ats_0123456789ab_s', `/v1/runs?runId=${REDACTED}`],
  ])('masks %s', (_case, url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});
