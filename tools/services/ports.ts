import { createServer } from 'node:net';

/**
 * Ports this process already handed out. The kernel may offer a port again as soon as its probe socket closed, so a
 * port taken for one purpose (a URL meant to stay unanswered, another private server about to bind) could come
 * back for the next; never return the same one twice in a process.
 */
const handedOut = new Set<number>();

/** Asks the kernel for a loopback port nobody listens on (a short race remains until the server binds it). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await kernelPort();
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}

function kernelPort(): Promise<number> {
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
