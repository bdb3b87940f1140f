import { describe, expect, it } from 'vitest';
import { eventually } from '../waiting';

class ServerExited extends Error {}

describe('eventually', () => {
  it('treats a failing probe as "not yet" and returns the first value', async () => {
    let calls = 0;
    const value = await eventually(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error('connection refused');
        return calls;
      },
      { intervalMs: 1 },
    );
    expect(value).toBe(3);
  });

  it('ends the wait at once on an error of the rethrow class, long before the deadline', async () => {
    let calls = 0;
    const waiting = eventually(
      async () => {
        calls += 1;
        if (calls === 2) throw new ServerExited('the server exited');
        throw new Error('connection refused');
      },
      { intervalMs: 1, timeoutMs: 600_000, rethrow: ServerExited },
    );
    await expect(waiting).rejects.toThrow(ServerExited);
    expect(calls).toBe(2);
  });

  it('names what did not happen when the deadline passes', async () => {
    await expect(
      eventually(async () => undefined, { intervalMs: 1, timeoutMs: 20, what: 'the health check' }),
    ).rejects.toThrow(/the health check did not happen within/);
  });
});
