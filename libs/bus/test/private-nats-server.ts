import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/*
 * A private, throw-away nats-server that a test may stop and restart (never the machine's shared one). Not
 * @ats/tool-testing's helpers: that package reaches @ats/bus through market-data, so a dev dependency back on it
 * would make a cycle.
 */

/** A loopback port free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Starts nats-server on `port` (core only, or JetStream stored in `jetStreamDir`) and waits until it is ready. */
export async function startServer(port: number, jetStreamDir?: string): Promise<ChildProcess> {
  const args = ['-a', '127.0.0.1', '-p', String(port)];
  if (jetStreamDir !== undefined) args.push('-js', '-sd', jetStreamDir);
  const child = spawn('nats-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Server is ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`nats-server exited early (${code}): ${log}`)));
  });
  return child;
}

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}
