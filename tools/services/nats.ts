import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, openSync } from 'node:fs';
import { createConnection } from 'node:net';
import { delimiter, join } from 'node:path';
import { installPackage } from './apt';
import { freePort, waitUntil } from './ports';
import { isRunning, logTail, type PrivateNats } from './state';

export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';
const PROBE_TIMEOUT_MS = 1_500;
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;

export type NatsProbe = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** A NATS server answers when it sends its INFO line on connect and that line says JetStream is on. */
export function probeNats(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<NatsProbe> {
  const target = new URL(url);
  const port = Number(target.port || 4222);
  return new Promise((resolve) => {
    let received = '';
    const socket = createConnection({ host: target.hostname, port });
    const finish = (result: NatsProbe) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => finish({ ok: false, reason: `no INFO within ${timeoutMs} ms` }));
    socket.on('error', (error) => finish({ ok: false, reason: error.message }));
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      const end = received.indexOf('\r\n');
      if (end < 0) return;
      const line = received.slice(0, end);
      if (!line.startsWith('INFO '))
        return finish({ ok: false, reason: `not a NATS server: ${line.slice(0, 80)}` });
      try {
        const info = JSON.parse(line.slice(5)) as { jetstream?: boolean };
        finish(
          info.jetstream === true ? { ok: true } : { ok: false, reason: 'NATS answers but JetStream is off' },
        );
      } catch {
        finish({ ok: false, reason: 'unreadable INFO line' });
      }
    });
  });
}

function findOnPath(binary: string, extraDirs: readonly string[]): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...extraDirs].filter(Boolean);
  for (const dir of dirs) {
    const candidate = join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** `nats-server` from PATH or Debian's /usr/sbin; installs the apt package when missing and root. */
export function natsServerBinary(): string {
  const extra = ['/usr/sbin', '/usr/local/bin', '/usr/local/sbin'];
  const found = findOnPath('nats-server', extra);
  if (found) return found;
  installPackage('nats-server', 'nats-server');
  const installed = findOnPath('nats-server', extra);
  if (!installed) throw new Error('nats-server still not found after apt-get install nats-server');
  return installed;
}

export class NatsStartError extends Error {
  constructor(
    message: string,
    readonly logFile: string,
  ) {
    super(`${message}\n--- ${logFile} (tail) ---\n${logTail(logFile)}`);
  }
}

/** Starts a private nats-server with JetStream on a free loopback port, storing streams under `<dir>/nats`. */
export async function startPrivateNats(dir: string): Promise<PrivateNats> {
  const binary = natsServerBinary();
  const natsDir = join(dir, 'nats');
  const storeDir = join(natsDir, 'jetstream');
  const logFile = join(natsDir, 'nats.log');
  mkdirSync(storeDir, { recursive: true });
  const port = await freePort();
  const log = openSync(logFile, 'a');
  // Detached so a `services up` from the CLI leaves it running after the CLI exits.
  const child = spawn(binary, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], {
    detached: true,
    stdio: ['ignore', log, log],
  });
  let exited: string | undefined;
  child.on('exit', (code, signal) => {
    exited = `nats-server exited (code ${code}, signal ${signal})`;
  });
  child.on('error', (error) => {
    exited = `nats-server could not start: ${error.message}`;
  });
  child.unref();
  const url = `nats://127.0.0.1:${port}`;
  const up = await waitUntil(async () => (await probeNats(url, 500)).ok, {
    timeoutMs: START_TIMEOUT_MS,
    abort: () => (exited ? new NatsStartError(exited, logFile) : undefined),
  });
  if (!up || child.pid === undefined) {
    if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    throw new NatsStartError(`nats-server did not answer on ${url} within ${START_TIMEOUT_MS} ms`, logFile);
  }
  return { pid: child.pid, port, url, storeDir, logFile, startedAt: new Date().toISOString() };
}

/** SIGTERM, then wait for the process to go (SIGKILL if it will not), so its port and store are free. */
export async function stopPrivateNats(nats: PrivateNats): Promise<void> {
  if (!isRunning(nats.pid, 'nats-server')) return;
  process.kill(nats.pid, 'SIGTERM');
  const gone = await waitUntil(async () => !isRunning(nats.pid, 'nats-server'), {
    timeoutMs: STOP_TIMEOUT_MS,
    intervalMs: 50,
  });
  if (!gone) process.kill(nats.pid, 'SIGKILL');
}
