import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeReply {
  readonly status?: number;
  readonly contentType?: string;
  readonly body: string;
}

export interface SeenRequest {
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
}

/** A loopback HTTP server (127.0.0.1, port 0) answering like a provider's API, logging every request. */
export class FakeHttpServer {
  readonly requests: SeenRequest[] = [];
  #server: Server | undefined;
  #url: string | undefined;

  constructor(public handler: (request: SeenRequest) => FakeReply) {}

  async start(): Promise<string> {
    if (this.#url) return this.#url;
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const seen = { path: url.pathname, query: url.searchParams, headers: req.headers };
      this.requests.push(seen);
      const reply = this.handler(seen);
      res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'application/json' });
      res.end(reply.body);
    });
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.#url;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export function fixture(path: string): string {
  return readFileSync(new URL(`./fixtures/${path}`, import.meta.url), 'utf8');
}

export const json = (path: string, status = 200): FakeReply => ({ status, body: fixture(path) });
export const xml = (path: string): FakeReply => ({ contentType: 'application/xml', body: fixture(path) });
export const notFound: FakeReply = { status: 404, body: '{"error":"not found"}' };
