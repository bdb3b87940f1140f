import { type MsgHdrs, headers as natsHeaders } from '@nats-io/transport-node';
import type { BusHeaders } from '../codec';

export function toNatsHeaders(headers: BusHeaders): MsgHdrs {
  const converted = natsHeaders();
  for (const [key, value] of Object.entries(headers)) converted.set(key, value);
  return converted;
}

export function fromNatsHeaders(headers: MsgHdrs | undefined): BusHeaders {
  const converted: BusHeaders = {};
  if (!headers) return converted;
  for (const key of headers.keys()) converted[key] = headers.get(key);
  return converted;
}
