import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresPortAnswers } from '../src/postgres-reachable';

/** A loopback port that refuses: listened on, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('postgresPortAnswers (whether loading Prisma to probe the database is worth it)', () => {
  let listening: Server;
  let openPort: number;

  beforeAll(async () => {
    listening = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    openPort = (listening.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => listening.close(() => resolve())));

  it('says true when something accepts at the host and port', async () => {
    expect(await postgresPortAnswers(`postgresql://postgres@127.0.0.1:${openPort}/db`, 60_000)).toBe(true);
  });

  it('says false at once when the port refuses', async () => {
    const port = await closedPort();
    const started = Date.now();
    expect(await postgresPortAnswers(`postgresql://postgres@127.0.0.1:${port}/db`, 60_000)).toBe(false);
    // Refused, not timed out: far below the 60 s allowed.
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('cannot tell for a Unix socket, another host parameter, or a URL it cannot read', async () => {
    expect(await postgresPortAnswers('postgresql://postgres@/db?host=/var/run/postgresql', 1_000)).toBe(
      undefined,
    );
    expect(
      await postgresPortAnswers(`postgresql://postgres@127.0.0.1:${openPort}/db?host=elsewhere`, 1_000),
    ).toBe(undefined);
    expect(await postgresPortAnswers('not a url', 1_000)).toBe(undefined);
  });
});
