import { describe, expect, it } from 'vitest';
import {
  BarSchema,
  ContractValidationError,
  HistoryRequestSchema,
  OrderSchema,
  parseContract,
  replySchema,
  Subjects,
} from './index';

const goodBar = {
  symbol: 'AAPL',
  timeframe: '1d',
  ts: '2023-01-03T00:00:00.000Z',
  open: 130.28,
  high: 130.9,
  low: 124.17,
  close: 125.07,
  volume: 112117500,
  adjusted: false,
};

describe('contracts', () => {
  it('accepts a real bar and rejects an inconsistent one with a readable path', () => {
    expect(parseContract(BarSchema, goodBar, 'Bar').close).toBe(125.07);
    const bad = { ...goodBar, high: 120, volume: -1, ts: '2023-01-03' };
    expect(() => parseContract(BarSchema, bad, 'Bar')).toThrow(ContractValidationError);
    try {
      parseContract(BarSchema, bad, 'Bar');
    } catch (error) {
      const issues = (error as ContractValidationError).issues.map((i) => i.path);
      expect(issues).toEqual(expect.arrayContaining(['ts', 'volume']));
      expect((error as Error).message).toMatch(/^invalid Bar: /);
    }
  });

  it('reports a reversed date range on `from`', () => {
    const result = HistoryRequestSchema.safeParse({ symbol: 'AAPL', from: '2023-02-01', to: '2023-01-01' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['from']);
  });

  it('requires a limit price on limit orders', () => {
    const order = {
      clientOrderId: 'c-1',
      symbol: 'MSFT',
      side: 'BUY',
      type: 'LIMIT',
      quantity: 10,
      submittedAt: '2023-01-03T21:00:00.000Z',
    };
    expect(() => parseContract(OrderSchema, order, 'Order')).toThrow(
      /limitPrice: a LIMIT order needs limitPrice/,
    );
    expect(parseContract(OrderSchema, { ...order, limitPrice: 240 }, 'Order').timeInForce).toBe('DAY');
  });

  it('builds hierarchical subjects', () => {
    expect(Subjects.bar('1d', 'AAPL')).toBe('md.bar.1d.AAPL');
    expect(Subjects.analyze('technical')).toBe('agent.technical.analyze');
    expect(Subjects.deadLetter(Subjects.orderSubmit('AAPL'))).toBe('dlq.order.submit.AAPL');
  });

  it('carries failures as data in replies', () => {
    const schema = replySchema(BarSchema);
    expect(schema.parse({ ok: false, error: { code: 'not_found', message: 'no such symbol' } }).ok).toBe(
      false,
    );
    expect(schema.safeParse({ ok: true, data: { ...goodBar, close: -1 } }).success).toBe(false);
  });
});
