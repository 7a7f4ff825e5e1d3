/** `npm run serve` as a child process, as a deployment runs each instance, with every setting given. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface ServeProcess {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:PORT/`, once it listens. */
  readonly url: string;
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<number | null>;
  /** SIGTERM, and the exit awaited. */
  stop(): Promise<void>;
}

/** Starts src/serve.ts with `env` over a clean environment; resolves once it listens and has indexed its sources. */
export async function startServe(env: Record<string, string>, timeoutMs = 60_000): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/serve.ts'], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', SOURCE_BASE_URL: '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const process_ = {
    child,
    url: '',
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  const deadline = Date.now() + timeoutMs;
  let url: string | undefined;
  while (url === undefined) {
    const line = stdout.split('\n').find((candidate) => candidate.includes('"msg":"listening"'));
    if (line !== undefined) url = (JSON.parse(line) as { url: string }).url;
    else await pause(child, deadline, () => stdout + stderr);
  }
  while ((await fetch(`${url}healthz`).then((response) => response.status, () => 0)) !== 200) {
    await pause(child, deadline, () => stdout + stderr);
  }
  return { ...process_, url };
}

async function pause(child: ChildProcess, deadline: number, output: () => string): Promise<void> {
  if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}: ${output()}`);
  if (Date.now() > deadline) throw new Error(`serve was not ready in time: ${output()}`);
  await new Promise((resolve) => setTimeout(resolve, 50));
}
