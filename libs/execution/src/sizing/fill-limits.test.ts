import type { Order } from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import { flatCommission } from '../commission';
import { type ExecutionModels, matchOrder } from '../matching';
import { noSlippage } from '../slippage';
import { limitFillToAccount } from './fill-limits';
import { CASH_ACCOUNT_LIMITS } from './limits';

const models: ExecutionModels = { commission: flatCommission(1), slippage: noSlippage };
const bar = { ts: '2024-01-03T00:00:00.000Z', open: 11, high: 11, low: 11, close: 11, volume: 1000 };
const order = (side: 'BUY' | 'SELL', quantity: number): Order => ({
  clientOrderId: `o-${side}`,
  symbol: 'AAA',
  side,
  type: 'MARKET',
  quantity,
  timeInForce: 'DAY',
  submittedAt: '2024-01-02T00:00:00.000Z',
});

describe('limitFillToAccount', () => {
  it('passes a fill the account can take', () => {
    const fill = matchOrder(order('BUY', 10), bar, models);
    if (!fill) throw new Error('market order must fill');
    expect(
      limitFillToAccount(order('BUY', 10), fill, bar, { held: 0, cash: 200 }, CASH_ACCOUNT_LIMITS, models),
    ).toEqual({
      fill,
      allowedQuantity: 10,
    });
  });

  it('cuts a buy to the cash at the gapped open', () => {
    const o = order('BUY', 100);
    const fill = matchOrder(o, bar, models);
    if (!fill) throw new Error('market order must fill');
    // Sized at a close of 10 with 1,001 cash; the open is 11: ⌊1,000 / 11⌋ = 90 shares.
    const outcome = limitFillToAccount(o, fill, bar, { held: 0, cash: 1_001 }, CASH_ACCOUNT_LIMITS, models);
    expect(outcome.action).toBe('RESIZED');
    expect(outcome.fill?.quantity).toBe(90);
    expect(outcome.reason).toBe('cash 1001.00 short of 1101.00 at the fill');
  });

  it('rejects a sell of shares no longer held', () => {
    const o = order('SELL', 5);
    const fill = matchOrder(o, bar, models);
    if (!fill) throw new Error('market order must fill');
    const outcome = limitFillToAccount(o, fill, bar, { held: 0, cash: 0 }, CASH_ACCOUNT_LIMITS, models);
    expect(outcome).toEqual({
      fill: undefined,
      action: 'REJECTED',
      allowedQuantity: 0,
      reason: 'only 0 held at the fill',
    });
  });
});
