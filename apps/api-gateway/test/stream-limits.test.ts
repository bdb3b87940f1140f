import { get as httpGet, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { TradingMessages } from '@ats/contracts';
import { createLogger } from '@ats/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, eventually, type Gateway, startGateway } from './support';

/**
 * 100 streams that never read took a probe's gateway from 214 to 513 MiB: every event was queued for each of them
 * without bound, and one key could hold every slot of the gateway-wide cap.
 */
const BUFFER_BUDGET = 64 * 1024;
const PER_KEY = 4;
const SLOW_CLIENTS = 4;
/** Large decisions, so the kernel's socket buffers (a few MiB each way on loopback) fill within the test. */
const REASONING = 'x'.repeat(32 * 1024);
const ROUND = 25;
const EVENT_MARKER = 'event: decision';
/** One event on the wire: the reasoning plus the envelope and the rest of the decision. */
const EVENT_BYTES = REASONING.length + 512;
const MAX_ROUNDS = 80;

const lines: string[] = [];
const capture = new Writable({
  write(chunk, _encoding, done) {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    done();
  },
});

let gateway: Gateway;
let port: number;
const sockets: Socket[] = [];
const responses: IncomingMessage[] = [];

beforeAll(async () => {
  gateway = await startGateway({
    maxStreamsPerKey: PER_KEY,
    streamBufferBytes: BUFFER_BUDGET,
    logger: createLogger({ service: 'api-gateway-test', level: 'warn', destination: capture }),
  });
  await gateway.app.listen({ host: '127.0.0.1', port: 0 });
  port = (gateway.app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  for (const response of responses) response.destroy();
  await gateway?.close();
});

/** A stream read as fast as it arrives; resolves once the server said it is connected. */
async function readingStream(key: string) {
  const response = await new Promise<IncomingMessage>((resolve) =>
    httpGet(`http://127.0.0.1:${port}/v1/stream`, { headers: bearer(key) }, resolve),
  );
  responses.push(response);
  const received = { connected: false, events: 0, closed: false };
  if (response.statusCode !== 200) {
    response.resume();
    return { status: response.statusCode, received, response };
  }
  response.setEncoding('utf8');
  // Only a tail shorter than the marker is kept: the count is what matters, not megabytes of text.
  let tail = '';
  response.on('data', (chunk: string) => {
    const text = tail + chunk;
    if (text.includes(': connected')) received.connected = true;
    received.events += text.split(EVENT_MARKER).length - 1;
    tail = text.slice(-(EVENT_MARKER.length - 1));
  });
  response.on('close', () => {
    received.closed = true;
  });
  await eventually(async () => (received.connected ? true : undefined));
  return { status: response.statusCode, received, response };
}

/** A stream whose client reads the response head and then never reads again. */
async function neverReadingStream(key: string): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  socket.write(`GET /v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${key}\r\n\r\n`);
  await new Promise<void>((resolve, reject) => {
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString();
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      socket.pause();
      if (head.startsWith('HTTP/1.1 200')) resolve();
      else reject(new Error(`stream refused: ${head.split('\r\n')[0]}`));
    };
    socket.on('data', onData);
  });
  return socket;
}

function decision(n: number) {
  return {
    agent: 'technical' as const,
    symbol: 'AAPL',
    signal: 'HOLD' as const,
    confidence: 0.5,
    reasoning: `${n} ${REASONING}`,
    supportingData: {},
    ts: new Date().toISOString(),
  };
}

describe('GET /v1/stream limits', () => {
  it('caps the open streams of one key, and frees the slot when a stream closes', async () => {
    const open = [];
    for (let i = 0; i < PER_KEY; i++) open.push(await readingStream(gateway.keys.read));
    expect(open.map((s) => s.status)).toEqual(Array(PER_KEY).fill(200));
    const refused = await readingStream(gateway.keys.read);
    expect(refused.status).toBe(429);
    // Another key still has its own slots.
    const other = await readingStream(gateway.keys.trade);
    expect(other.status).toBe(200);

    open[0]?.response.destroy();
    other.response.destroy();
    const again = await eventually(async () => {
      const attempt = await readingStream(gateway.keys.read);
      return attempt.status === 200 ? attempt : undefined;
    });
    again.response.destroy();
    for (const stream of open) stream.response.destroy();
  });

  it('disconnects clients that never read once their unsent bytes pass the budget; a reading client keeps every event', async () => {
    const slow = [];
    for (let i = 0; i < SLOW_CLIENTS; i++) slow.push(await neverReadingStream(gateway.keys.admin));
    const reader = await eventually(async () => {
      const attempt = await readingStream(gateway.keys.read);
      return attempt.status === 200 ? attempt : undefined;
    });

    const disconnections = () =>
      lines
        .map(
          (line) => JSON.parse(line) as { msg?: string; bufferedBytes?: number; maxBufferedBytes?: number },
        )
        .filter((entry) => entry.msg === 'slow stream client disconnected');
    let published = 0;
    for (let round = 0; round < MAX_ROUNDS && disconnections().length < SLOW_CLIENTS; round++) {
      for (let i = 0; i < ROUND; i++) {
        await gateway.bus.publish(
          `${gateway.channels.namespace}.decision.technical.AAPL`,
          TradingMessages.agentDecision,
          decision(published++),
        );
      }
      // Paced by the reading client, so only the clients that never read fall behind.
      await eventually(async () => (reader.received.events >= published ? true : undefined), 60_000);
    }

    const dropped = disconnections();
    expect(dropped).toHaveLength(SLOW_CLIENTS);
    for (const entry of dropped) {
      expect(entry.maxBufferedBytes).toBe(BUFFER_BUDGET);
      // Judged once per tick: at most the budget plus what one tick wrote (one round of events here).
      expect(entry.bufferedBytes).toBeGreaterThan(BUFFER_BUDGET);
      expect(entry.bufferedBytes).toBeLessThanOrEqual(BUFFER_BUDGET + ROUND * EVENT_BYTES);
    }
    // Far more was published to each slow client than the gateway ever held for it.
    expect(published * REASONING.length).toBeGreaterThan(50 * BUFFER_BUDGET);

    // Each slow client, once it reads what the kernel holds, finds its stream closed by the server.
    await Promise.all(
      slow.map(
        (socket) =>
          new Promise<void>((resolve) => {
            socket.once('close', () => resolve());
            socket.resume();
          }),
      ),
    );
    // The reading client saw every event and is still connected.
    expect(reader.received.events).toBe(published);
    expect(reader.received.closed).toBe(false);
    // The slow clients' slots were given back.
    const reopened = await neverReadingStream(gateway.keys.admin);
    reopened.destroy();
    reader.response.destroy();
  });
});
