import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { type RunningServices, type UpOptions, up } from './services';

/**
 * Runs a command with NATS__URL / DATABASE__URL pointing at available servers, then releases them:
 * private servers this run started stop afterwards (unless another user still holds them).
 * Resolves with the command's exit code (128 + signal number when it was killed by a signal).
 */
export async function runWithServices(
  command: string,
  args: readonly string[],
  options: Omit<UpOptions, 'keep'> & { readonly onUp?: (services: RunningServices) => void } = {},
): Promise<number> {
  let interrupted: NodeJS.Signals | undefined;
  let forward: ((signal: NodeJS.Signals) => void) | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted ??= signal;
    forward?.(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const services = await up(options);
  try {
    options.onUp?.(services);
    if (interrupted) return 128 + constants.signals[interrupted];
    return await new Promise<number>((resolve, reject) => {
      const child = spawn(command, [...args], {
        stdio: 'inherit',
        env: { ...(options.env ?? process.env), ...services.env },
      });
      // The terminal sends SIGINT to the whole process group; forwarding covers a SIGTERM sent to us only.
      forward = (signal) => child.kill(signal);
      child.on('error', reject);
      child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 1)));
    });
  } finally {
    forward = undefined;
    await services.release();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
