import { describe, expect, it } from 'vitest';
import { Library } from '../../src/library.js';
import minilm from '../../src/semantic/minilm.js';
import { PassageVectors, type VectorSearch } from '../../src/semantic/passage-vectors.js';
import { VectorStore } from '../../src/semantic/vector-store.js';
import { SEED_DATA, VECTOR_CACHE } from '../helpers.js';

const QUESTIONS = [
  'How many of the women need help seeing a GP?',
  'Did any of the lads pull a weapon?',
  'What did the council say about fines?',
  'What is the weather in Leeds?',
];

async function seedVectors(search: VectorSearch): Promise<{ vectors: PassageVectors; passages: number }> {
  const library = await Library.open({ dataDir: SEED_DATA });
  const vectors = await PassageVectors.start(library.passages, {
    model: minilm,
    storeFile: VectorStore.fileFor(VECTOR_CACHE, minilm.id, SEED_DATA),
    search,
  });
  expect(await vectors.complete).toBe(true);
  return { vectors, passages: library.passages.length };
}

describe('the dense ranking', () => {
  it('through the vector index is the ranking an exact scan of every sentence gives', async () => {
    const indexed = await seedVectors('index');
    const scanned = await seedVectors('scan');
    const embedder = await minilm.load();
    for (const question of QUESTIONS) {
      const [vector] = (await embedder.embed([question])) as [Float32Array];
      for (const count of [1, 5, indexed.passages]) {
        const byIndex = indexed.vectors.denseRanking(vector, count);
        const byScan = scanned.vectors.denseRanking(vector, count);
        expect(byIndex.order, `${question}, first ${count}`).toEqual(byScan.order);
        expect(byIndex.closest).toBeCloseTo(byScan.closest, 6);
        for (const passage of byScan.order) expect(byIndex.scoreOf(passage)).toBeCloseTo(byScan.scoreOf(passage), 6);
      }
    }
    indexed.vectors.stop();
    scanned.vectors.stop();
  });
});
