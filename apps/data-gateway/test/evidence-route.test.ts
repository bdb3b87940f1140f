import type { NatsBus } from '@ats/bus';
import { EvidenceMessages, Headers } from '@ats/contracts';
import type { PrismaClient } from '@ats/db';
import { testRequestTimeoutMs, uniqueName, within } from '@ats/tool-testing';
import { headers } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectTestBus,
  type GatewayInstance,
  openPrisma,
  startGatewayInstance,
  testSubjects,
} from './harness';

let prisma: PrismaClient;
let client: NatsBus;
let gateway: GatewayInstance;
const subjects = testSubjects();

beforeAll(async () => {
  prisma = openPrisma();
  client = await connectTestBus('evidence-client');
  gateway = await startGatewayInstance({ subjects, bucket: uniqueName('md_cache'), prisma });
});
afterAll(async () => {
  await gateway?.chain.sharedCache?.destroy();
  await gateway?.stop();
  await client?.close();
  await prisma?.$disconnect();
});

describe('md.evidence.get', () => {
  it('answers a valid request with a snapshot that names what it lacks', async () => {
    const asOf = '2023-03-15T20:00:00.000Z';
    const reply = await client.request(
      subjects.evidence,
      EvidenceMessages.evidenceRequest,
      EvidenceMessages.evidenceSnapshot,
      { symbols: ['AAPL', 'MSFT'], asOf },
      { timeoutMs: testRequestTimeoutMs() },
    );
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;
    expect(reply.data).toMatchObject({ asOf, symbols: ['AAPL', 'MSFT'] });
    expect(reply.data.sources).toHaveLength(5);
  });

  it('answers a malformed request with invalid_request at once and dead-letters it', async () => {
    const letters: (string | undefined)[] = [];
    const dlq = client.connection.subscribe(`dlq.${subjects.evidence}`, {
      callback: (_err, msg) => {
        letters.push(msg.headers?.get(Headers.deadLetterReason));
      },
    });
    const h = headers();
    h.set(Headers.messageType, EvidenceMessages.evidenceRequest.name);
    h.set(Headers.schemaVersion, String(EvidenceMessages.evidenceRequest.version));
    h.set(Headers.correlationId, uniqueName('bad-evidence'));
    // No symbols and a date where a UTC instant belongs.
    const reply = await client.connection.request(
      subjects.evidence,
      JSON.stringify({ symbols: [], asOf: '2023-03-15' }),
      { timeout: testRequestTimeoutMs(), headers: h },
    );
    expect(reply.json()).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    await expect.poll(() => letters.length, { timeout: within(30_000) }).toBe(1);
    dlq.unsubscribe();
    expect(letters[0]).toMatch(/^schema_violation/);
  });
});
