import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One canned Alpha Vantage answer: the fixture file (under fixtures/alpha-vantage) and the HTTP status. */
export interface CannedReply {
  readonly fixture: string;
  readonly status?: number;
}

export function alphaVantageFixture(name: string): string {
  return readFileSync(new URL(`./fixtures/alpha-vantage/${name}`, import.meta.url), 'utf8');
}

/** A loopback Alpha Vantage (`/query?function=...`) answering with fixtures; logs each request's query. */
export class FakeAlphaVantage {
  readonly requests: URLSearchParams[] = [];
  #server: Server | undefined;

  constructor(private readonly answer: (query: URLSearchParams) => CannedReply) {}

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      const query = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
      this.requests.push(query);
      const reply = this.answer(query);
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
      res.end(alphaVantageFixture(reply.fixture));
    });
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** Requests for one Alpha Vantage function, e.g. TIME_SERIES_DAILY. */
  calls(fn: string): number {
    return this.requests.filter((q) => q.get('function') === fn).length;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
  }
}
