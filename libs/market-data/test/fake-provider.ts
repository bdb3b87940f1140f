import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a fake provider answers to one request. */
export interface FakeReply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Wait this long before answering (to outlast the client's timeout). */
  readonly delayMs?: number;
  /** Send the headers and part of the body, then cut the connection. */
  readonly truncateAfterBytes?: number;
}

export interface SeenRequest {
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  /** performance.now() when the request arrived. */
  readonly at: number;
}

/** A loopback HTTP server (127.0.0.1, port 0) that answers with canned provider replies and logs every request. */
export class FakeProvider {
  readonly requests: SeenRequest[] = [];
  #server: Server | undefined;
  #url: string | undefined;
  #handler: (request: SeenRequest, req: IncomingMessage) => FakeReply;

  constructor(handler: (request: SeenRequest) => FakeReply) {
    this.#handler = handler;
  }

  setHandler(handler: (request: SeenRequest) => FakeReply): void {
    this.#handler = handler;
  }

  /** Starts once and returns the base URL (later calls return the same URL). */
  async start(): Promise<string> {
    if (this.#url) return this.#url;
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const seen = {
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        at: performance.now(),
      };
      this.requests.push(seen);
      const reply = this.#handler(seen, req);
      const send = () => {
        if (res.destroyed) return;
        const body = reply.body ?? '';
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        if (reply.truncateAfterBytes !== undefined) {
          res.write(body.slice(0, reply.truncateAfterBytes));
          setTimeout(() => res.destroy(), 5);
          return;
        }
        res.end(body);
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.#url;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
  }
}

export function fixture(path: string): string {
  return readFileSync(new URL(`./fixtures/${path}`, import.meta.url), 'utf8');
}

export const json = (path: string, status = 200): FakeReply => ({ status, body: fixture(path) });
