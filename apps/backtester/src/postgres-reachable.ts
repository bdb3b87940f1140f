import { connect } from 'node:net';

/** How long a probe of the database waits for an answer before the run keeps its result in files only. */
export const POSTGRES_PROBE_TIMEOUT_MS = 1_500;

/**
 * Whether anything accepts a TCP connection at the database URL's host and port: false when refused or silent for
 * `timeoutMs`; undefined when the URL does not name one TCP server (a `host` parameter such as a Unix socket
 * `?host=/run/postgresql`, an unparsable URL). A refusal answers in about a millisecond, where loading Prisma to
 * learn the same costs ~250 ms of a backtest on a machine without Postgres.
 */
export function postgresPortAnswers(databaseUrl: string, timeoutMs: number): Promise<boolean | undefined> {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return Promise.resolve(undefined);
  }
  // A host parameter (a Unix socket folder, another server) overrides the URL's host: let the client decide.
  if (url.hostname === '' || url.searchParams.has('host')) return Promise.resolve(undefined);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port === '' ? 5432 : Number(url.port);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (answers: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answers);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
