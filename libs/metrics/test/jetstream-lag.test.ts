import { testServices, uniqueName } from '@ats/tool-testing';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetStreamConsumerLag } from '../src/index';

let nc: NatsConnection;
const stream = uniqueName('LAG');
const subject = `${uniqueName('lag')}.orders`;

beforeAll(async () => {
  nc = await connect({ servers: testServices().natsUrl });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: stream, subjects: [subject] });
  await jsm.consumers.add(stream, { durable_name: 'broker', ack_policy: AckPolicy.Explicit });
});

afterAll(async () => {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete(stream);
  await nc.close();
});

describe('jetStreamConsumerLag', () => {
  it('reads pending and ack-pending counts and reports consumers it cannot read', async () => {
    const js = jetstream(nc);
    for (let i = 0; i < 5; i++) await js.publish(subject, `order ${i}`);
    const consumer = await js.consumers.get(stream, 'broker');
    const delivered = await consumer.fetch({ max_messages: 2, expires: 1000 });
    for await (const _ of delivered) {
      // leave both unacknowledged: they count as ack-pending
    }
    const failures: string[] = [];
    const read = jetStreamConsumerLag(
      nc,
      [
        { stream, durable: 'broker' },
        { stream, durable: 'not-created-yet' },
      ],
      (ref) => failures.push(ref.durable),
    );
    expect(await read()).toEqual([{ stream, consumer: 'broker', pending: 3, ackPending: 2 }]);
    expect(failures).toEqual(['not-created-yet']);
  });
});
