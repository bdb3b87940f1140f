import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, newCorrelationId, withCorrelation } from './index';

function capture() {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      raw.push(line);
      lines.push(JSON.parse(line));
    }
  });
  return { stream, lines, raw };
}

describe('createLogger', () => {
  it('writes JSON with service and correlation id', () => {
    const out = capture();
    const logger = createLogger({ service: 'technical-agent', destination: out.stream });
    const id = newCorrelationId();
    withCorrelation(logger, id).info({ symbol: 'AAPL' }, 'decided');
    expect(out.lines[0]).toMatchObject({
      service: 'technical-agent',
      correlationId: id,
      symbol: 'AAPL',
      level: 'info',
    });
    expect(out.lines[0]?.msg).toBe('decided');
  });

  it('redacts secret fields by path and secret values anywhere', () => {
    const out = capture();
    const logger = createLogger({ service: 's', destination: out.stream, secretValues: ['sk-live-abcdef'] });
    logger.info(
      { apiKey: 'k1', req: { headers: { authorization: 'Bearer t0k' } }, provider: { token: 'x' } },
      'call',
    );
    logger.error({ url: 'https://x.test/q?apikey=sk-live-abcdef' }, 'failed with key sk-live-abcdef');
    const all = out.raw.join('\n');
    expect(all).not.toContain('k1');
    expect(all).not.toContain('Bearer t0k');
    expect(all).not.toContain('sk-live-abcdef');
    expect(out.lines[0]).toMatchObject({ apiKey: '[REDACTED]', provider: { token: '[REDACTED]' } });
    expect(out.lines[1]?.msg).toBe('failed with key [REDACTED]');
  });
});
