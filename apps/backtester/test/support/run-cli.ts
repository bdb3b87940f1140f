import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bundledEntry } from '@ats/tool-testing';

/** The backtester's entry point, run as its cached bundle (tools/build/run-bundled.mjs), as the Nx target runs it. */
export const BACKTESTER_MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The backtester CLI as a child process, waited for without blocking the test's event loop (a loopback fake
 * provider in the test process must keep answering it).
 */
export function runBacktesterCli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...bundledEntry(BACKTESTER_MAIN), ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
