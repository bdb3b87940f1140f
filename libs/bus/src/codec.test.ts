import { ContractValidationError, defineMessage, Headers, Messages } from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asciiOnlyJson, deadLetterHeaders, decodeIncoming, EncodedField, encodeOutgoing } from './codec';
import { BusReplyError } from './errors';
import { backoffFor, toErrorReply } from './typed-bus';

const meta = {
  producer: 'data-gateway',
  correlationId: 'cycle-0001',
  sentAt: new Date('2023-01-03T21:00:00.000Z'),
};
const quote = { symbol: 'AAPL', price: 125.07, ts: '2023-01-03T21:00:00.000Z', provider: 'csv' };

describe('encodeOutgoing', () => {
  it('serialises the parsed value (defaults applied) with the envelope headers', () => {
    const encoded = encodeOutgoing(
      Messages.newsRequest,
      { symbols: ['AAPL'] },
      { ...meta, messageId: 'n-1' },
    );
    expect(JSON.parse(new TextDecoder().decode(encoded.data))).toEqual({ symbols: ['AAPL'], limit: 50 });
    expect(encoded.headers).toEqual({
      [Headers.messageType]: 'NewsRequest',
      [Headers.schemaVersion]: '1',
      [Headers.correlationId]: 'cycle-0001',
      [Headers.producer]: 'data-gateway',
      [Headers.sentAt]: '2023-01-03T21:00:00.000Z',
      [Headers.messageId]: 'n-1',
    });
  });

  it('throws ContractValidationError naming the bad field', () => {
    expect(() => encodeOutgoing(Messages.quote, { ...quote, price: 0 }, meta)).toThrow(
      ContractValidationError,
    );
    expect(() => encodeOutgoing(Messages.quote, { ...quote, price: 0 }, meta)).toThrow(/price/);
  });
});

describe('encodeOutgoing with an EncodedField', () => {
  // A message whose big field several messages share, as a cycle's context in its agent requests.
  const shared = { symbols: ['AAPL', 'caf\u00e9'], limit: 7, note: 'not in the schema' };
  const Shared = z.object({ symbols: z.array(z.string().min(1)), limit: z.number().int().default(50) });
  const carrier = defineMessage(
    'Carrier',
    1,
    z.object({
      id: z.string().min(1),
      shared: Shared,
      tags: z.array(z.string()).default([]),
      extra: z.number().optional(),
    }),
  );
  const refined = defineMessage(
    'RefinedCarrier',
    1,
    carrier.schema.superRefine((m, issues) => {
      if (m.shared.limit > 5)
        issues.addIssue({ code: 'custom', path: ['shared', 'limit'], message: 'over 5' });
    }),
  );
  const text = (data: Uint8Array) => new TextDecoder().decode(data);

  it('sends the very value and bytes of the whole payload, the field validated and serialised once', () => {
    const field = EncodedField.of(Shared, shared, 'shared');
    const whole = encodeOutgoing(carrier, { tags: ['x'], shared, id: 'm-1' }, meta);
    for (const id of ['m-1', 'm-1']) {
      const reused = encodeOutgoing(carrier, { tags: ['x'], shared: field, id }, meta);
      expect(text(reused.data)).toBe(text(whole.data));
      expect(reused.value).toEqual(whole.value);
      expect(reused.value.shared).toBe(field.value);
    }
    // Defaults of the other fields apply, the unknown key of the field's value stays out, non-ASCII is escaped.
    expect(text(encodeOutgoing(carrier, { id: 'm-2', shared: field }, meta).data)).toBe(
      '{"id":"m-2","shared":{"symbols":["AAPL","caf\\u00e9"],"limit":7},"tags":[]}',
    );
  });

  it('still refuses invalid other fields, and an invalid value when encoding the field', () => {
    const field = EncodedField.of(Shared, shared, 'shared');
    expect(() => encodeOutgoing(carrier, { id: '', shared: field }, meta)).toThrow(/id/);
    expect(() => EncodedField.of(Shared, { symbols: [''] }, 'shared')).toThrow(ContractValidationError);
  });

  it("validates the value with the message when the field's schema is not the message's own", () => {
    const loose = EncodedField.of(
      z.object({ symbols: z.array(z.string()), limit: z.number() }),
      {
        symbols: [''],
        limit: 1.5,
      },
      'loose',
    );
    expect(() => encodeOutgoing(carrier, { id: 'm-3', shared: loose }, meta)).toThrow(/symbols|limit/);
  });

  it('keeps the unknown keys a loose message keeps', () => {
    const loose = defineMessage('LooseCarrier', 1, z.looseObject({ id: z.string(), shared: Shared }));
    const field = EncodedField.of(Shared, shared, 'shared');
    const payload = { id: 'm-6', shared: field, more: 1 };
    expect(JSON.parse(text(encodeOutgoing(loose, payload, meta).data))).toEqual({
      id: 'm-6',
      shared: { symbols: ['AAPL', 'caf\u00e9'], limit: 7 },
      more: 1,
    });
  });

  it('runs the refinements of a refined message on the whole value', () => {
    const field = EncodedField.of(Shared, shared, 'shared');
    expect(() => encodeOutgoing(refined, { id: 'm-4', shared: field }, meta)).toThrow(/over 5/);
    const small = EncodedField.of(Shared, { symbols: ['AAPL'], limit: 2 }, 'shared');
    expect(JSON.parse(text(encodeOutgoing(refined, { id: 'm-5', shared: small }, meta).data))).toEqual({
      id: 'm-5',
      shared: { symbols: ['AAPL'], limit: 2 },
      tags: [],
    });
  });
});

describe('decodeIncoming', () => {
  const good = encodeOutgoing(Messages.quote, quote, meta);

  it('accepts what encodeOutgoing produced', () => {
    expect(decodeIncoming(Messages.quote, good.data, good.headers)).toEqual({ ok: true, value: quote });
  });

  it('checks headers before touching the payload', () => {
    const garbage = new TextEncoder().encode('not json');
    const v2 = { ...good.headers, [Headers.schemaVersion]: '2' };
    expect(decodeIncoming(Messages.quote, garbage, v2)).toMatchObject({
      ok: false,
      rejection: { kind: 'wrong_version' },
    });
  });

  it('reports schema issues with paths', () => {
    const bad = new TextEncoder().encode(JSON.stringify({ ...quote, symbol: 'aapl' }));
    const result = decodeIncoming(Messages.quote, bad, good.headers);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.rejection.kind).toBe('schema_violation');
      expect(result.rejection.issues?.map((i) => i.path)).toEqual(['symbol']);
    }
  });
});

describe('deadLetterHeaders', () => {
  it('keeps the original headers, drops the de-duplication id, and keeps the reason on one line', () => {
    const headers = deadLetterHeaders(
      { [Headers.correlationId]: 'c-1', [Headers.messageId]: 'm-1' },
      'order.submit.AAPL',
      { kind: 'handler_error', detail: 'line one\nline two' },
      4,
    );
    expect(headers).toEqual({
      [Headers.correlationId]: 'c-1',
      [Headers.deadLetterReason]: 'handler_error: line one line two',
      [Headers.deadLetterSubject]: 'order.submit.AAPL',
      [Headers.deadLetterDeliveries]: '4',
    });
  });
});

describe('toErrorReply', () => {
  it('maps typed errors to their codes and everything else to internal', () => {
    expect(toErrorReply(new BusReplyError('not_found', 'no such symbol'))).toEqual({
      code: 'not_found',
      message: 'no such symbol',
    });
    expect(toErrorReply(Object.assign(new Error('slow down'), { code: 'rate_limited' }))).toEqual({
      code: 'rate_limited',
      message: 'slow down',
    });
    expect(toErrorReply(Object.assign(new Error('socket'), { code: 'ECONNRESET' }))).toEqual({
      code: 'internal',
      message: 'socket',
    });
    expect(
      toErrorReply(new ContractValidationError('Order', [{ path: 'qty', message: 'too big' }])),
    ).toMatchObject({
      code: 'invalid_request',
      issues: [{ path: 'qty', message: 'too big' }],
    });
    expect(toErrorReply('weird')).toEqual({ code: 'internal', message: 'weird' });
  });
});

describe('backoffFor', () => {
  it('uses the step for the delivery count and repeats the last step', () => {
    expect([1, 2, 3, 4].map((n) => backoffFor([100, 1000, 5000], n))).toEqual([100, 1000, 5000, 5000]);
    expect(backoffFor([], 3)).toBe(0);
  });
});

describe('asciiOnlyJson', () => {
  it('writes every non-ASCII unit as an escape, and the text parses to the same value', () => {
    const value = {
      title: 'Apple’s — “quarter” café',
      emoji: 'up 📈 today',
      edges: '\u007f\u0080\u00ff\u0100\u0fff\u1000\uffff',
      lone: 'a\ud800b',
      plain: 'AAPL 100 < 101 "q" \\ /',
    };
    const json = JSON.stringify(value);
    const ascii = asciiOnlyJson(json);
    expect([...ascii].every((ch) => ch.charCodeAt(0) < 0x80)).toBe(true);
    expect(JSON.parse(ascii)).toEqual(value);
    expect(ascii).toContain('Apple\\u2019s');
    expect(ascii).toContain('\\ud83d\\udcc8');
  });

  it('returns ASCII text itself', () => {
    const json = JSON.stringify({ symbol: 'AAPL', price: 125.07 });
    expect(asciiOnlyJson(json)).toBe(json);
  });

  it('is what encodeOutgoing sends: ASCII bytes that decode to the value', () => {
    const news = { ...quote, provider: 'Dow Jones — “Newswires”' };
    const encoded = encodeOutgoing(Messages.quote, news, meta);
    expect(encoded.data.every((byte) => byte < 0x80)).toBe(true);
    expect(decodeIncoming(Messages.quote, encoded.data, encoded.headers)).toEqual({ ok: true, value: news });
  });
});
