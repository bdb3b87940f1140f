import { spawnSync } from 'node:child_process';

export class MissingPackageError extends Error {
  constructor(
    readonly packageName: string,
    readonly binary: string,
  ) {
    super(
      `${binary} not found and we are not root, so it cannot be installed here. ` +
        `Install it with: sudo apt-get install -y ${packageName}`,
    );
  }
}

export class AptInstallError extends Error {
  constructor(
    readonly command: string,
    readonly output: string,
  ) {
    super(`\`${command}\` failed:\n${output}`);
  }
}

export const isRoot = (): boolean => process.getuid?.() === 0;

let indexUpdated = false;

function apt(args: readonly string[]): void {
  const result = spawnSync('apt-get', args, {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error?.message ?? ''}`;
    throw new AptInstallError(`apt-get ${args.join(' ')}`, output.trim().split('\n').slice(-20).join('\n'));
  }
}

/**
 * Installs a Debian package so a missing server binary appears; only as root (a fresh CI machine),
 * otherwise explains which package the developer must install. The package index is refreshed once per process.
 */
export function installPackage(packageName: string, binary: string): void {
  if (!isRoot()) throw new MissingPackageError(packageName, binary);
  process.stderr.write(`[services] ${binary} missing: apt-get install ${packageName}\n`);
  if (!indexUpdated) {
    apt(['update']);
    indexUpdated = true;
  }
  apt(['install', '-y', '--no-install-recommends', packageName]);
}
