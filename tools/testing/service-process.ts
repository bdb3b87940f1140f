import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { bundledEntry } from './bundled-entry';
import { testServices } from './index';
import { eventually, freePort } from './waiting';

export interface ServiceProcess {
  readonly child: ChildProcess;
  /** Port of the service's /metrics + /health server. */
  readonly metricsPort: number;
  /** Polls /health until it answers 200 and returns its JSON body. */
  healthy(): Promise<Record<string, unknown>>;
  /** Prometheus exposition text from /metrics. */
  scrape(): Promise<string>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL when still running (afterAll safety net). */
  kill(): void;
}

/**
 * Starts an app's real `src/main.ts` as its own process against the test run's NATS and Postgres, offline, with its
 * metrics/health server on a free port — the way production runs it, so tests cross a real process boundary.
 */
export async function spawnServiceProcess(options: {
  /** The app folder (its `src/main.ts` is started). */
  readonly appDir: string;
  readonly serviceName: string;
  readonly env?: Readonly<Record<string, string>>;
}): Promise<ServiceProcess> {
  const { natsUrl, databaseUrl } = testServices();
  const metricsPort = await freePort();
  const child = spawn(process.execPath, bundledEntry('src/main.ts'), {
    cwd: options.appDir,
    env: {
      ...process.env,
      NATS__URL: natsUrl,
      DATABASE__URL: databaseUrl,
      SERVICE__NAME: options.serviceName,
      SERVICE__METRICS_PORT: String(metricsPort),
      LOG_LEVEL: 'warn',
      ENVIRONMENT: 'test',
      LLM__PROVIDER: 'offline',
      ...options.env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = (path: string) => `http://127.0.0.1:${metricsPort}${path}`;
  return {
    child,
    metricsPort,
    healthy: () =>
      eventually(
        async () => {
          const res = await fetch(url('/health'));
          return res.ok ? ((await res.json()) as Record<string, unknown>) : undefined;
        },
        { what: `${options.serviceName} /health` },
      ),
    async scrape() {
      const res = await fetch(url('/metrics'));
      if (!res.ok) throw new Error(`${options.serviceName} /metrics answered ${res.status}`);
      return res.text();
    },
    async stop() {
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      return code as number | null;
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
