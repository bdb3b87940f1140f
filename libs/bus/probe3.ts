import { Messages } from '@ats/contracts';
import { connectBus } from './src/index';

const a = await connectBus({ url: 'nats://127.0.0.1:4222', name: 'a' });
const b = await connectBus({ url: 'nats://127.0.0.1:4222', name: 'b' });
const N = 20000;
let got = 0;
let done!: () => void;
const p = new Promise<void>((r) => (done = r));
let firstAt = 0;
await b.subscribe('probe3.x', Messages.bar, () => {
  if (got === 0) firstAt = performance.now();
  if (++got === N) done();
});
const bar = {
  symbol: 'AAPL',
  timeframe: '1d' as const,
  ts: '2023-01-03T00:00:00.000Z',
  open: 100,
  high: 102,
  low: 99,
  close: 101,
  volume: 1,
  adjusted: true,
};
const t = performance.now();
for (let i = 0; i < N; i++) await a.publish('probe3.x', Messages.bar, bar);
const tPub = performance.now();
await p;
const tEnd = performance.now();
console.log({
  publishMs: tPub - t,
  firstReceivedAfterMs: firstAt - t,
  receiveMs: tEnd - firstAt,
  total: N / ((tEnd - t) / 1000),
});
await a.close();
await b.close();
