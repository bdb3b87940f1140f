import type { CommissionModel } from '../commission';

/** Tolerance before truncating a computed share count, so 9.9999999 shares from float error count as 10. */
export const SHARE_EPSILON = 1e-9;

/** Whole shares whose cost plus commission fits in `cash` at `price`. */
export function affordableQuantity(cash: number, price: number, commission: CommissionModel): number {
  if (!(cash > 0) || !(price > 0)) return 0;
  let quantity = Math.floor(cash / price + SHARE_EPSILON);
  // Commission is increasing in quantity, so each pass only shrinks the count; a few passes converge.
  for (let pass = 0; pass < 8 && quantity > 0; pass++) {
    const fee = commission.commission(quantity, price);
    if (quantity * price + fee <= cash) return quantity;
    quantity = Math.min(quantity - 1, Math.floor((cash - fee) / price + SHARE_EPSILON));
  }
  while (quantity > 0 && quantity * price + commission.commission(quantity, price) > cash) quantity--;
  return Math.max(0, quantity);
}
