import { createServer } from 'node:net';

/** Asks the kernel for a loopback port nobody listens on (a short race remains until the server binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the port the kernel assigned'));
      });
    });
  });
}

/** Polls `probe` until it returns true or `timeoutMs` passes; `abort` can end the wait early with an error. */
export async function waitUntil(
  probe: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; abort?: () => Error | undefined },
): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const failure = options.abort?.();
    if (failure) throw failure;
    if (await probe()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}
