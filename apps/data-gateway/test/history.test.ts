import { type Bus, connectBus } from '@ats/bus';
import { ContractValidationError, Messages, Subjects } from '@ats/contracts';
import { LocalCsvProvider } from '@ats/market-data';
import { createLogger } from '@ats/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDataGateway, startDataGateway } from '../src/gateway';
import { singleProviderSource } from '../src/history-service';

const logger = createLogger({ service: 'data-gateway-test', level: 'warn' });
let gatewayBus: Bus;
let clientBus: Bus;
let gateway: RunningDataGateway;

beforeAll(async () => {
  const url = process.env.NATS__URL ?? 'nats://127.0.0.1:4222';
  gatewayBus = await connectBus({ url, name: 'data-gateway-test', logger });
  clientBus = await connectBus({ url, name: 'data-gateway-client', logger });
  gateway = await startDataGateway({
    bus: gatewayBus,
    history: singleProviderSource(new LocalCsvProvider()),
    logger,
  });
});

afterAll(async () => {
  await gateway?.stop();
  await gatewayBus?.close();
  await clientBus?.close();
});

const history = (payload: { symbol: string; from: string; to: string }) =>
  clientBus.request(Subjects.historyRequest, Messages.historyRequest, Messages.historyResponse, payload, {
    timeoutMs: 5_000,
  });

describe('data gateway history over NATS request/reply', () => {
  it('returns the 250 real daily bars of AAPL in 2023 from the bundled data', async () => {
    const reply = await history({ symbol: 'AAPL', from: '2023-01-01', to: '2023-12-31' });
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;
    expect(reply.data.provider).toBe('local-csv');
    expect(reply.data.bars).toHaveLength(250);
    expect(reply.data.bars[0]).toMatchObject({ ts: '2023-01-03T00:00:00.000Z', close: 125.07 });
    expect(reply.data.bars.at(-1)).toMatchObject({ ts: '2023-12-29T00:00:00.000Z', close: 192.53 });
  });

  it('answers an unknown symbol with not_found, and rejects a reversed range before sending it', async () => {
    const unknown = await history({ symbol: 'ZZZZ', from: '2023-01-01', to: '2023-01-31' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } });
    await expect(history({ symbol: 'AAPL', from: '2023-02-01', to: '2023-01-01' })).rejects.toBeInstanceOf(
      ContractValidationError,
    );
  });
});
