/** Shortest password accepted for the owner or a service role (generated ones are 32+ characters). */
export const MIN_PASSWORD_LENGTH = 16;
/** Values from examples, defaults and docs: anyone who read them knows these. */
const KNOWN_PASSWORDS = new Set([
  'postgres',
  'password',
  'changeme',
  'change-me',
  'example',
  'secret',
  'admin',
]);
const KNOWN_PREFIXES = ['change-me', 'changeme', 'example'];

/** A password that is an example value or too short to be a secret. */
export class ExamplePasswordError extends Error {
  override readonly name = 'ExamplePasswordError';
  constructor(readonly holder: string) {
    super(
      `${holder} has a known or short Postgres password (an example value, or under ${MIN_PASSWORD_LENGTH} characters); ` +
        'set a generated one (e.g. `openssl rand -hex 24`)',
    );
  }
}

/** Throws ExamplePasswordError when `password` is set and is an example value or too short. */
export function refuseExamplePassword(holder: string, password: string | undefined): void {
  if (password === undefined || password === '') return;
  const lower = password.toLowerCase();
  if (
    password.length < MIN_PASSWORD_LENGTH ||
    KNOWN_PASSWORDS.has(lower) ||
    KNOWN_PREFIXES.some((prefix) => lower.startsWith(prefix))
  )
    throw new ExamplePasswordError(holder);
}
