import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach } from 'vitest';
import { Library } from '../src/library.js';
import { createLogger, type Logger } from '../src/log.js';
import type { LogLevel } from '../src/config.js';
import { DEFAULT_VECTOR_CACHE_DIR } from '../src/semantic/vector-store.js';

const made: string[] = [];

/** A throwaway data folder holding the given files (path → text or bytes); removed after each test. */
export async function dataFolder(files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'citebot-test-'));
  made.push(dir);
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  return dir;
}

afterEach(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** The project's own data folder: the five seed documents. */
export const SEED_DATA = path.resolve(import.meta.dirname, '..', 'data');

/** Where the CLI keeps passage vectors; the seed sources' are computed there before the tests (seed-vectors.ts). */
export const VECTOR_CACHE = path.resolve(import.meta.dirname, '..', DEFAULT_VECTOR_CACHE_DIR);

/** The seed sources searched by words and meaning, hybrid at once. */
export async function openHybridSeed(): Promise<Library> {
  const library = await Library.open({ dataDir: SEED_DATA, semantic: { cacheDir: VECTOR_CACHE } });
  if (library.searchStatus.mode !== 'hybrid' || library.searchStatus.state !== 'ready') {
    throw new Error('the seed passage vectors should have been computed before the tests (test/seed-vectors.ts)');
  }
  return library;
}

/** A logger whose lines are kept, parsed (`lines`) and as written (`raw`), for tests that read the log. */
export function capturedLogger(level: LogLevel = 'info'): { logger: Logger; lines: Record<string, unknown>[]; raw: () => string } {
  const lines: Record<string, unknown>[] = [];
  let raw = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw += chunk.toString();
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger(level, destination), lines, raw: () => raw };
}
