import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** `ok` and `degraded` keep receiving traffic (200); `draining` and `down` answer 503 so probes route away. */
export type HealthStatus = 'ok' | 'degraded' | 'draining' | 'down';

export interface HealthReport {
  readonly status: HealthStatus;
  readonly [detail: string]: unknown;
}

export interface MetricsServerOptions {
  /** 0 = any free port (tests). */
  readonly port: number;
  /** Default all interfaces so Prometheus and the container probe reach it; it serves only these two paths. */
  readonly host?: string;
  readonly registry: Registry;
  readonly health: () => HealthReport | Promise<HealthReport>;
  /** Runs before each scrape renders: sources that only keep running totals (cache stats) sync their counters. */
  readonly beforeScrape?: () => void | Promise<void>;
}

export interface MetricsServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

const SERVING: ReadonlySet<HealthStatus> = new Set(['ok', 'degraded']);

/** `GET /metrics` (Prometheus text format) and `GET /health` (JSON report) on node:http. */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const respond = (status: number, contentType: string, body: string) =>
      res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body);
    if (req.method !== 'GET') return respond(405, 'application/json', '{"error":"method not allowed"}');
    if (path === '/metrics') {
      Promise.resolve()
        .then(() => options.beforeScrape?.())
        .then(() => options.registry.metrics())
        .then(
          (text) => respond(200, options.registry.contentType, text),
          (error: unknown) => respond(500, 'text/plain', `metrics collection failed: ${String(error)}`),
        );
      return;
    }
    if (path === '/health') {
      Promise.resolve()
        .then(options.health)
        .then(
          (report) =>
            respond(SERVING.has(report.status) ? 200 : 503, 'application/json', JSON.stringify(report)),
          (error: unknown) =>
            respond(503, 'application/json', JSON.stringify({ status: 'down', error: String(error) })),
        );
      return;
    }
    respond(404, 'application/json', '{"error":"not found"}');
  });
  await listen(server, options.port, options.host ?? '0.0.0.0');
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  const reachableHost = !options.host || options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  return {
    port,
    url: `http://${reachableHost}:${port}`,
    // Idempotent: SIGINT and SIGTERM may both reach a process that is already shutting down.
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
      return closing;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Port of `/metrics` and `/health` when SERVICE__METRICS_PORT is unset (the container convention). */
export const DEFAULT_METRICS_PORT = 9464;
