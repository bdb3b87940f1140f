import { ContractValidationError, Headers } from '@ats/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Bus,
  type BusMessage,
  BusNoRespondersError,
  BusReplyError,
  BusTimeoutError,
  BusTopologyError,
  type DurableMessage,
} from '../src/index';
import {
  BarV1,
  type BusHarness,
  bar,
  Job,
  Quote,
  QuoteRequest,
  requestTimeoutMs,
  sleep,
  waitFor,
  within,
} from './harness';

/**
 * The contract every Bus implementation must honour, run against NATS and against the in-process twin.
 * `makeHarness` is called once per file.
 */
export function busContractSuite(label: string, makeHarness: () => Promise<BusHarness>): void {
  describe(`${label}: bus contract`, () => {
    let h: BusHarness;
    let bus: Bus;

    beforeAll(async () => {
      h = await makeHarness();
      bus = await h.createBus('contract-tests');
    });
    afterAll(async () => {
      await bus?.close();
      await h?.teardown();
    });

    it('answers a ping with a round-trip time, and rejects it once closed', async () => {
      const probe = await h.createBus('ping-probe');
      const rtt = await probe.ping();
      expect(rtt).toBeGreaterThanOrEqual(0);
      // A round trip in milliseconds, not a performance bound: quiet machines see ~1 ms, busy ones far more.
      expect(rtt).toBeLessThan(within(10_000));
      await probe.close();
      await expect(probe.ping()).rejects.toBeInstanceOf(Error);
    });

    describe('publish / subscribe', () => {
      it('delivers a validated message with the header convention', async () => {
        const subject = `${h.prefix}.md.bar.1d.AAPL`;
        const received: BusMessage<unknown>[] = [];
        const subscription = await bus.subscribe(`${h.prefix}.md.bar.>`, BarV1, (message) => {
          received.push(message);
        });
        await bus.publish(subject, BarV1, bar(1), { correlationId: 'cycle-0001' });
        await waitFor(() => received.length === 1);
        const [message] = received;
        expect(message?.data).toEqual(bar(1));
        expect(message?.subject).toBe(subject);
        expect(message?.correlationId).toBe('cycle-0001');
        expect(message?.headers[Headers.messageType]).toBe('Bar');
        expect(message?.headers[Headers.schemaVersion]).toBe('1');
        expect(message?.headers[Headers.producer]).toBe('contract-tests');
        expect(Number.isNaN(Date.parse(message?.headers[Headers.sentAt] ?? ''))).toBe(false);
        await subscription.close();
      });

      it('generates a correlation id when none is given', async () => {
        const received: BusMessage<unknown>[] = [];
        const subscription = await bus.subscribe(`${h.prefix}.corr`, BarV1, (message) => {
          received.push(message);
        });
        await bus.publish(`${h.prefix}.corr`, BarV1, bar(2));
        await waitFor(() => received.length === 1);
        expect(received[0]?.correlationId.length).toBeGreaterThanOrEqual(8);
        await subscription.close();
      });

      it('refuses to send an invalid payload (producer bug) and sends nothing', async () => {
        const raw = await h.collect(`${h.prefix}.refused`);
        const before = bus.stats().rejectedOutgoing;
        const broken = { ...bar(3), high: 1 }; // high below open/close
        await expect(bus.publish(`${h.prefix}.refused`, BarV1, broken)).rejects.toBeInstanceOf(
          ContractValidationError,
        );
        // A valid message after it: once that one arrives, the refused one would have arrived before it.
        await bus.publish(`${h.prefix}.refused`, BarV1, bar(4));
        await waitFor(() => raw.messages.length > 0, undefined, 'the message after the refused one');
        expect(raw.messages).toHaveLength(1);
        expect(bus.stats().rejectedOutgoing).toBe(before + 1);
        await raw.close();
      });

      it('sends invalid, wrong-version, wrong-type and malformed messages to dlq.<subject>, never to the handler', async () => {
        const subject = `${h.prefix}.md.bar.1d.MSFT`;
        const dlq = await h.collect(`dlq.${h.prefix}.md.bar.1d.MSFT`);
        const handled: unknown[] = [];
        const consumerBus = await h.createBus('dlq-subscriber');
        const subscription = await consumerBus.subscribe(subject, BarV1, (message) => {
          handled.push(message.data);
        });
        const headers = (type: string, version: string) => ({
          [Headers.messageType]: type,
          [Headers.schemaVersion]: version,
          [Headers.correlationId]: 'cycle-dlq-1',
        });
        const badBar = JSON.stringify({ ...bar(4), close: -5 });
        await h.publishRaw(subject, badBar, headers('Bar', '1'));
        await h.publishRaw(subject, JSON.stringify(bar(5)), headers('Bar', '2'));
        await h.publishRaw(subject, JSON.stringify(bar(6)), headers('Quote', '1'));
        await h.publishRaw(subject, '{not json', headers('Bar', '1'));
        await h.publishRaw(subject, JSON.stringify(bar(7)), {});
        await bus.publish(subject, BarV1, bar(8)); // the one good message
        await waitFor(() => dlq.messages.length === 5 && handled.length === 1, 5000, 'five dead letters');

        expect(handled).toEqual([bar(8)]);
        const reasons = dlq.messages.map((m) => m.headers[Headers.deadLetterReason]?.split(':')[0]);
        expect(reasons).toEqual([
          'schema_violation',
          'wrong_version',
          'wrong_type',
          'malformed_json',
          'missing_headers',
        ]);
        const first = dlq.messages[0];
        expect(first?.body).toBe(badBar); // raw payload preserved byte for byte
        expect(first?.headers[Headers.deadLetterSubject]).toBe(subject);
        expect(first?.headers[Headers.deadLetterDeliveries]).toBe('1');
        expect(first?.headers[Headers.correlationId]).toBe('cycle-dlq-1');
        expect(first?.headers[Headers.deadLetterReason]).toContain('close');

        const stats = consumerBus.stats();
        expect(stats.invalid).toBe(5);
        expect(stats.delivered).toBe(1);
        expect(stats.deadLettered.total).toBe(5);
        expect(stats.deadLettered.byKind).toEqual({
          schema_violation: 1,
          wrong_version: 1,
          wrong_type: 1,
          malformed_json: 1,
          missing_headers: 1,
        });
        await subscription.close();
        await consumerBus.close();
        await dlq.close();
      });

      it('dead-letters a message whose handler throws (core pub/sub has no redelivery)', async () => {
        const subject = `${h.prefix}.throws`;
        const dlq = await h.collect(`dlq.${subject}`);
        const subscription = await bus.subscribe(subject, BarV1, () => {
          throw new Error('disk full');
        });
        await bus.publish(subject, BarV1, bar(9));
        await waitFor(() => dlq.messages.length === 1);
        expect(dlq.messages[0]?.headers[Headers.deadLetterReason]).toBe('handler_error: Error: disk full');
        await subscription.close();
        await dlq.close();
      });

      it('gives each message to exactly one member of a queue group', async () => {
        const subject = `${h.prefix}.work`;
        const seenBy: Record<string, number[]> = { a: [], b: [] };
        const a = await bus.subscribe(subject, Job, (m) => void seenBy.a?.push(Number(m.data.jobId)), {
          queue: 'workers',
        });
        const b = await bus.subscribe(subject, Job, (m) => void seenBy.b?.push(Number(m.data.jobId)), {
          queue: 'workers',
        });
        for (let i = 0; i < 100; i++) await bus.publish(subject, Job, { jobId: String(i) });
        await waitFor(() => (seenBy.a?.length ?? 0) + (seenBy.b?.length ?? 0) === 100);
        // A round trip on the subscribers' connection: a duplicate would have been delivered before its answer.
        await bus.ping();
        const all = [...(seenBy.a ?? []), ...(seenBy.b ?? [])].sort((x, y) => x - y);
        expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i));
        expect(seenBy.a?.length).toBeGreaterThan(0);
        expect(seenBy.b?.length).toBeGreaterThan(0);
        await a.close();
        await b.close();
      });
    });

    describe('request / reply', () => {
      const quote = (symbol: string) => ({
        symbol,
        price: 101.5,
        ts: '2023-01-03T21:00:00.000Z',
        provider: 'test',
      });

      it('splits 200 requests fairly across a queue group of two responders', async () => {
        const subject = `${h.prefix}.md.quote.get`;
        const served = { a: 0, b: 0 };
        const serverA = await h.createBus('quote-a');
        const serverB = await h.createBus('quote-b');
        const handler = (who: 'a' | 'b') => (request: BusMessage<{ symbol: string }>) => {
          served[who]++;
          return quote(request.data.symbol);
        };
        await serverA.serve(subject, QuoteRequest, Quote, handler('a'), { queue: 'data-gateway' });
        await serverB.serve(subject, QuoteRequest, Quote, handler('b'), { queue: 'data-gateway' });
        const replies = await Promise.all(
          Array.from({ length: 200 }, () =>
            bus.request(subject, QuoteRequest, Quote, { symbol: 'AAPL' }, { timeoutMs: requestTimeoutMs() }),
          ),
        );
        expect(replies.every((reply) => reply.ok && reply.data.symbol === 'AAPL')).toBe(true);
        expect(served.a + served.b).toBe(200);
        expect(served.a / 200).toBeGreaterThan(0.3);
        expect(served.b / 200).toBeGreaterThan(0.3);
        await serverA.close();
        await serverB.close();
      });

      it('answers an invalid request with invalid_request and dead-letters it', async () => {
        const subject = `${h.prefix}.md.quote.strict`;
        const dlq = await h.collect(`dlq.${subject}`);
        let called = 0;
        const server = await h.createBus('quote-strict');
        await server.serve(subject, QuoteRequest, Quote, () => {
          called++;
          return quote('AAPL');
        });
        // A foreign producer sends a request the contract forbids: the requester must still get a typed answer.
        const foreign = await h.createBus('foreign');
        const lowercase = { symbol: 'aapl' };
        await expect(
          foreign.request(subject, QuoteRequest, Quote, lowercase, { timeoutMs: requestTimeoutMs() }),
        ).rejects.toBeInstanceOf(ContractValidationError); // our own requester validates before sending...
        const reply = await requestRaw(h, subject, lowercase); // ...so bypass it
        expect(reply.ok).toBe(false);
        if (!reply.ok) {
          expect(reply.error.code).toBe('invalid_request');
          expect(reply.error.issues?.[0]?.path).toBe('symbol');
        }
        await waitFor(() => dlq.messages.length === 1);
        expect(dlq.messages[0]?.headers[Headers.deadLetterReason]).toMatch(/^schema_violation: /);
        expect(called).toBe(0);
        expect(server.stats().invalid).toBe(1);
        await server.close();
        await foreign.close();
        await dlq.close();
      });

      it('maps handler failures to typed error replies', async () => {
        const subject = `${h.prefix}.md.quote.failing`;
        const server = await h.createBus('quote-failing');
        await server.serve(subject, QuoteRequest, Quote, (request) => {
          if (request.data.symbol === 'NOPE') throw new BusReplyError('not_found', 'unknown symbol NOPE');
          if (request.data.symbol === 'CODE')
            throw Object.assign(new Error('provider down'), { code: 'unavailable' });
          if (request.data.symbol === 'BAD') return { ...quote('BAD'), price: -1 };
          throw new Error('boom');
        });
        const ask = (symbol: string) =>
          bus.request(subject, QuoteRequest, Quote, { symbol }, { timeoutMs: requestTimeoutMs() });
        expect(await ask('NOPE')).toEqual({
          ok: false,
          error: { code: 'not_found', message: 'unknown symbol NOPE' },
        });
        expect(await ask('CODE')).toEqual({
          ok: false,
          error: { code: 'unavailable', message: 'provider down' },
        });
        expect(await ask('BOOM')).toEqual({ ok: false, error: { code: 'internal', message: 'boom' } });
        const invalidReply = await ask('BAD');
        expect(invalidReply.ok).toBe(false);
        if (!invalidReply.ok) expect(invalidReply.error.code).toBe('internal');
        expect(server.stats().rejectedOutgoing).toBe(1);
        await server.close();
      });

      it('passes the correlation id through to the responder and back', async () => {
        const subject = `${h.prefix}.md.quote.corr`;
        const server = await h.createBus('quote-corr');
        let seen = '';
        await server.serve(subject, QuoteRequest, Quote, (request) => {
          seen = request.correlationId;
          return quote(request.data.symbol);
        });
        const reply = await bus.request(
          subject,
          QuoteRequest,
          Quote,
          { symbol: 'MSFT' },
          { timeoutMs: requestTimeoutMs(), correlationId: 'cycle-corr-42' },
        );
        expect(reply).toEqual({ ok: true, data: quote('MSFT') });
        expect(seen).toBe('cycle-corr-42');
        await server.close();
      });

      it('surfaces a silent responder as BusTimeoutError and no responder as BusNoRespondersError', async () => {
        const subject = `${h.prefix}.md.quote.silent`;
        const silent = await h.collect(subject); // listens, never answers
        const started = Date.now();
        await expect(
          bus.request(subject, QuoteRequest, Quote, { symbol: 'AAPL' }, { timeoutMs: 200 }),
        ).rejects.toBeInstanceOf(BusTimeoutError);
        expect(Date.now() - started).toBeGreaterThanOrEqual(180);
        await silent.close();
        await expect(
          bus.request(
            `${h.prefix}.nobody.home`,
            QuoteRequest,
            Quote,
            { symbol: 'AAPL' },
            { timeoutMs: requestTimeoutMs() },
          ),
        ).rejects.toBeInstanceOf(BusNoRespondersError);
      });
    });

    describe('JetStream', () => {
      const streamName = () => `${h.streamPrefix}_JOBS`;
      const jobs = (suffix: string) => `${h.prefix}.jobs.${suffix}`;

      beforeAll(async () => {
        await bus.ensureTopology({
          streams: [{ name: streamName(), subjects: [`${h.prefix}.jobs.>`], storage: 'memory' }],
        });
      });
      afterAll(async () => {
        await bus.deleteStream(streamName());
      });

      it('ensures streams and consumers idempotently', async () => {
        const topology = {
          streams: [
            {
              name: `${h.streamPrefix}_IDEM`,
              subjects: [`${h.prefix}.idem.>`],
              maxAgeMs: 60_000,
              storage: 'memory' as const,
            },
          ],
          consumers: [
            {
              stream: `${h.streamPrefix}_IDEM`,
              durable: 'idem-worker',
              filterSubject: `${h.prefix}.idem.x`,
              ackWaitMs: 5000,
            },
          ],
        };
        const first = await bus.ensureTopology(topology);
        const second = await bus.ensureTopology(topology);
        expect(first.streams).toEqual({ [`${h.streamPrefix}_IDEM`]: 'created' });
        expect(first.consumers).toEqual({ [`${h.streamPrefix}_IDEM/idem-worker`]: 'created' });
        expect(second.streams).toEqual({ [`${h.streamPrefix}_IDEM`]: 'unchanged' });
        expect(second.consumers).toEqual({ [`${h.streamPrefix}_IDEM/idem-worker`]: 'unchanged' });
        const changed = await bus.ensureTopology({
          streams: [{ ...topology.streams[0]!, subjects: [`${h.prefix}.idem.>`, `${h.prefix}.idem2.>`] }],
          consumers: [{ ...topology.consumers[0]!, ackWaitMs: 7000 }],
        });
        expect(Object.values(changed.streams)).toEqual(['updated']);
        expect(Object.values(changed.consumers)).toEqual(['updated']);
        await expect(
          bus.ensureTopology({
            streams: [],
            consumers: [{ stream: `${h.streamPrefix}_MISSING`, durable: 'x' }],
          }),
        ).rejects.toBeInstanceOf(BusTopologyError);
        expect(await bus.deleteStream(`${h.streamPrefix}_IDEM`)).toBe(true);
        expect(await bus.deleteStream(`${h.streamPrefix}_IDEM`)).toBe(false);
      });

      it('stores a message published twice with the same id once', async () => {
        const subject = jobs('dedupe');
        const from = new Date(Date.now() - 1000);
        const first = await bus.publishDurable(
          subject,
          Job,
          { jobId: 'd-1' },
          { messageId: `${h.prefix}-d-1` },
        );
        const second = await bus.publishDurable(
          subject,
          Job,
          { jobId: 'd-1' },
          { messageId: `${h.prefix}-d-1` },
        );
        expect(first.duplicate).toBe(false);
        expect(second).toEqual({ seq: first.seq, duplicate: true });
        const stored = await bus.history(subject, Job, {
          stream: streamName(),
          from,
          to: new Date(Date.now() + 1000),
        });
        expect(stored.map((m) => m.data.jobId)).toEqual(['d-1']);
        await expect(
          bus.publishDurable(`${h.prefix}.nostream.x`, Job, { jobId: 'x' }, { messageId: 'x' }),
        ).rejects.toBeInstanceOf(BusTopologyError);
      });

      it('consumes durably with explicit acks', async () => {
        await bus.ensureTopology({
          streams: [],
          consumers: [{ stream: streamName(), durable: 'ack-worker', filterSubject: jobs('ack') }],
        });
        for (let i = 0; i < 5; i++) {
          await bus.publishDurable(
            jobs('ack'),
            Job,
            { jobId: `a-${i}` },
            { messageId: `${h.prefix}-a-${i}` },
          );
        }
        const handled: DurableMessage<{ jobId: string }>[] = [];
        const worker = await bus.consume(streamName(), 'ack-worker', Job, (m) => void handled.push(m), {
          maxDeliver: 3,
          backoffMs: [50],
        });
        await waitFor(() => handled.length === 5);
        expect(handled.map((m) => m.data.jobId)).toEqual(['a-0', 'a-1', 'a-2', 'a-3', 'a-4']);
        expect(handled.every((m) => m.deliveryCount === 1)).toBe(true);
        await worker.close();
        // Acked work is not handed out again to the next consumer session.
        const again: unknown[] = [];
        const worker2 = await bus.consume(streamName(), 'ack-worker', Job, (m) => void again.push(m), {
          maxDeliver: 3,
          backoffMs: [50],
        });
        await bus.publishDurable(jobs('ack'), Job, { jobId: 'a-5' }, { messageId: `${h.prefix}-a-5` });
        await waitFor(() => again.length === 1);
        await sleep(100);
        expect(again).toHaveLength(1);
        await worker2.close();
      });

      it('redelivers a failing message with backoff, then dead-letters it after maxDeliver', async () => {
        const subject = jobs('poison');
        await bus.ensureTopology({
          streams: [],
          // Short ack wait: if the bus failed to term, the server would redeliver within the test.
          consumers: [
            { stream: streamName(), durable: 'poison-worker', filterSubject: subject, ackWaitMs: 1000 },
          ],
        });
        const dlq = await h.collect(`dlq.${subject}`);
        const attempts: { at: number; deliveryCount: number }[] = [];
        const worker = await bus.consume(
          streamName(),
          'poison-worker',
          Job,
          (m) => {
            attempts.push({ at: Date.now(), deliveryCount: m.deliveryCount });
            throw new Error('broker rejected order');
          },
          { maxDeliver: 3, backoffMs: [100, 300] },
        );
        await bus.publishDurable(
          subject,
          Job,
          { jobId: 'p-1' },
          { messageId: `${h.prefix}-p-1`, correlationId: 'cycle-poison' },
        );
        await waitFor(() => dlq.messages.length === 1, undefined, 'dead letter');
        expect(attempts.map((a) => a.deliveryCount)).toEqual([1, 2, 3]);
        const gaps = [attempts[1]!.at - attempts[0]!.at, attempts[2]!.at - attempts[1]!.at];
        expect(gaps[0]).toBeGreaterThanOrEqual(90);
        expect(gaps[1]).toBeGreaterThanOrEqual(280);
        const letter = dlq.messages[0]!;
        expect(letter.headers[Headers.deadLetterReason]).toBe(
          'max_deliveries: failed 3 deliveries, last error: Error: broker rejected order',
        );
        expect(letter.headers[Headers.deadLetterDeliveries]).toBe('3');
        expect(letter.headers[Headers.deadLetterSubject]).toBe(subject);
        expect(letter.headers[Headers.correlationId]).toBe('cycle-poison');
        expect(letter.headers[Headers.messageId]).toBeUndefined();
        expect(JSON.parse(letter.body)).toEqual({ jobId: 'p-1', attempt: 0 });
        await sleep(1300); // past the ack wait: a termed message stays terminated
        expect(attempts).toHaveLength(3);
        expect(bus.stats().deadLettered.byKind.max_deliveries).toBeGreaterThanOrEqual(1);
        await worker.close();
        await dlq.close();
      });

      it('dead-letters an invalid stored message at once and terminates it', async () => {
        const subject = jobs('invalid');
        await bus.ensureTopology({
          streams: [],
          consumers: [
            { stream: streamName(), durable: 'invalid-worker', filterSubject: subject, ackWaitMs: 1000 },
          ],
        });
        const dlq = await h.collect(`dlq.${subject}`);
        const handled: unknown[] = [];
        const worker = await bus.consume(
          streamName(),
          'invalid-worker',
          Job,
          (m) => void handled.push(m.data),
          {
            maxDeliver: 5,
            backoffMs: [50],
          },
        );
        // A core publish on a stream subject is stored too: the foreign producer bypassed validation.
        await h.publishRaw(subject, JSON.stringify({ jobId: '' }), {
          [Headers.messageType]: 'TestJob',
          [Headers.schemaVersion]: '1',
        });
        await bus.publishDurable(subject, Job, { jobId: 'ok-1' }, { messageId: `${h.prefix}-ok-1` });
        await waitFor(() => dlq.messages.length === 1 && handled.length === 1);
        expect(handled).toEqual([{ jobId: 'ok-1', attempt: 0 }]);
        expect(dlq.messages[0]?.headers[Headers.deadLetterReason]).toMatch(
          /^schema_violation: invalid TestJob: jobId/,
        );
        expect(dlq.messages[0]?.headers[Headers.deadLetterDeliveries]).toBe('1');
        await sleep(1300);
        expect(dlq.messages).toHaveLength(1); // terminated, not redelivered
        await worker.close();
        await dlq.close();
      });

      it('returns exactly the messages of a subject inside a time window', async () => {
        const subject = jobs('audit');
        const publishBatch = async (tag: string) => {
          for (let i = 0; i < 3; i++) {
            await bus.publishDurable(
              subject,
              Job,
              { jobId: `${tag}-${i}` },
              { messageId: `${h.prefix}-${tag}-${i}` },
            );
          }
          await bus.publishDurable(
            jobs('other'),
            Job,
            { jobId: `${tag}-other` },
            { messageId: `${h.prefix}-${tag}-o` },
          );
        };
        await publishBatch('before');
        await sleep(60);
        const from = new Date();
        await sleep(10);
        await publishBatch('inside');
        await sleep(60);
        const to = new Date();
        await sleep(10);
        await publishBatch('after');
        const window = await bus.history(subject, Job, { stream: streamName(), from, to });
        expect(window.map((m) => m.data.jobId)).toEqual(['inside-0', 'inside-1', 'inside-2']);
        expect(window.every((m) => m.subject === subject && m.storedAt >= from && m.storedAt < to)).toBe(
          true,
        );
        const seqs = window.map((m) => m.seq);
        expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
        const empty = await bus.history(subject, Job, {
          stream: streamName(),
          from: new Date(Date.now() + 60_000),
          to: new Date(Date.now() + 120_000),
        });
        expect(empty).toEqual([]);
      });
    });

    describe('rate limit', () => {
      it('holds a publisher to its configured rate after the burst', async () => {
        const limited = await h.createBus('limited', { rateLimit: { messagesPerSecond: 100, burst: 2 } });
        const started = performance.now();
        for (let i = 0; i < 12; i++) await limited.publish(`${h.prefix}.limited`, Job, { jobId: String(i) });
        // 2 free, 10 more at 10 ms each.
        expect(performance.now() - started).toBeGreaterThanOrEqual(90);
        expect(limited.stats().published).toBe(12);
        await limited.close();
      });
    });
  });
}

/** Sends a request bypassing the requester's own validation, as a foreign client would. */
async function requestRaw(h: BusHarness, subject: string, body: unknown) {
  const reply = await h.requestRaw(subject, JSON.stringify(body), {
    [Headers.messageType]: 'QuoteRequest',
    [Headers.schemaVersion]: '1',
  });
  return JSON.parse(reply) as
    | { ok: true }
    | { ok: false; error: { code: string; issues?: { path: string }[] } };
}
