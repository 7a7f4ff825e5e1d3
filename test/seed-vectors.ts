/**
 * Global set-up: the seed sources' passage vectors, computed once before the tests and kept where the CLI keeps them
 * (.cache/vectors), so that every hybrid test of the seed sources, in process or through the CLI, is hybrid at once.
 * Reused as long as the seed sources are unchanged.
 */
import path from 'node:path';
import { Library } from '../src/library.js';
import { DEFAULT_VECTOR_CACHE_DIR } from '../src/semantic/vector-store.js';

const ROOT = path.resolve(import.meta.dirname, '..');

export default async function computeSeedVectors(): Promise<void> {
  const problems: string[] = [];
  const library = await Library.open({
    dataDir: path.join(ROOT, 'data'),
    semantic: { cacheDir: path.join(ROOT, DEFAULT_VECTOR_CACHE_DIR) },
    warn: (message) => problems.push(message),
  });
  if (!(await library.semanticSearchComplete())) {
    throw new Error(`the seed sources could not be read for meaning: ${problems.join('; ')}`);
  }
}
