import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../services/ports';
import { OPS_NATS_DIR, topologyUsers } from './generate';
import { provisionStreams } from './provision';
import { newPassword, passwordVariable, renderServerConfig } from './server-config';
import { ADMIN_USER } from './topology';

// Generous: tests start private servers while the rest of the run keeps the cores busy.
const START_TIMEOUT_MS = 30_000;
const NATS_SERVER_CANDIDATES = [
  '/usr/sbin/nats-server',
  '/usr/local/bin/nats-server',
  '/usr/bin/nats-server',
];

export interface AuthNats {
  readonly url: string;
  readonly port: number;
  /** Password per user (fresh random ones unless given). */
  readonly passwords: ReadonlyMap<string, string>;
  /**
   * Stops the server and starts it again on the same port and JetStream directory, after `downMs` without a server
   * (an outage; default none); resolves once it answers. `onHalted` runs the moment the old server has exited.
   */
  restart(downMs?: number, onHalted?: () => void): Promise<void>;
  stop(): Promise<void>;
}

export interface AuthNatsOptions {
  /** Passwords per user (e.g. from ops/nats/credentials.env); default fresh random ones. */
  readonly passwords?: ReadonlyMap<string, string>;
  /** Default a free loopback port. */
  readonly port?: number;
  /**
   * Create every stream as the operators' user once the server is up (provision.ts), as a deployment does before
   * its services start; the services' own users may not. Default true.
   */
  readonly provisionStreams?: boolean;
}

export function natsServerBinary(): string {
  for (const candidate of NATS_SERVER_CANDIDATES) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next location
    }
  }
  throw new Error(
    `nats-server not found in ${NATS_SERVER_CANDIDATES.join(', ')} (apt-get install nats-server)`,
  );
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('data', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A private nats-server on a free loopback port that includes the COMMITTED ops/nats/auth.conf byte for byte,
 * so tests exercise exactly the permissions a deployment gets; its streams are provisioned by the operators' user.
 */
export async function startAuthNats(options: AuthNatsOptions = {}): Promise<AuthNats> {
  const dir = mkdtempSync(join(tmpdir(), 'ats-nats-auth-'));
  const [port, httpPort] = [options.port ?? (await freePort()), await freePort()];
  copyFileSync(join(OPS_NATS_DIR, 'auth.conf'), join(dir, 'auth.conf'));
  const config = renderServerConfig({
    host: '127.0.0.1',
    port,
    httpPort,
    storeDir: join(dir, 'jetstream'),
    authInclude: 'auth.conf',
  });
  writeFileSync(join(dir, 'nats-server.conf'), config);
  const passwords = new Map(
    topologyUsers().map((u) => [u.name, options.passwords?.get(u.name) ?? newPassword()]),
  );
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
  for (const [user, password] of passwords) env[passwordVariable(user)] = password;
  const launch = async (): Promise<ChildProcess> => {
    // Its own process group: a terminal's Ctrl-C reaches the apps, which drain, while NATS stays up until stop().
    const child = spawn(natsServerBinary(), ['-c', join(dir, 'nats-server.conf')], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += String(chunk);
    });
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await answers(port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`nats-server did not start on port ${port}: ${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return child;
  };
  const halt = async (child: ChildProcess) => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  };
  let child = await launch();
  const url = `nats://127.0.0.1:${port}`;
  if (options.provisionStreams ?? true) {
    try {
      await provisionStreams(url, passwords.get(ADMIN_USER) as string);
    } catch (error) {
      await halt(child);
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }
  return {
    url,
    port,
    passwords,
    restart: async (downMs = 0, onHalted) => {
      await halt(child);
      onHalted?.();
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      child = await launch();
    },
    stop: async () => {
      await halt(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
