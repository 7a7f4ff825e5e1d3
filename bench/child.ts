/** Running a benchmark script in a process of its own, with tsx, from the repository's root. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Node's flags for a TypeScript entry point of this repository. */
export const TSX_FLAGS = ['--import', 'tsx'];

/** Runs `node [nodeFlags] --import tsx script args…` and resolves with its standard output; rejects when it fails. */
export function runScript(script: string, args: readonly string[], nodeFlags: readonly string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, ...TSX_FLAGS, script, ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${path.relative(REPO_ROOT, script)} ended with ${signal ?? `exit code ${code}`}`));
    });
  });
}
