import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HealthReport {
  readonly status: 'ok' | 'draining';
  readonly [key: string]: unknown;
}

export interface HealthServerOptions {
  /** 0 = any free port (tests). */
  readonly port: number;
  /** Default all interfaces, so a container's probe can reach it; it serves nothing but this report. */
  readonly host?: string;
  readonly report: () => HealthReport;
}

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

/** `GET /health`: 200 with the report while serving, 503 while draining (the orchestrator stops routing to it). */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/health') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    const report = options.report();
    res
      .writeHead(report.status === 'ok' ? 200 : 503, {
        'content-type': 'application/json',
        'cache-control': 'no-store',
      })
      .end(JSON.stringify(report));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
