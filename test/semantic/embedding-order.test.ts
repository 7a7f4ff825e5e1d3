import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Library } from '../../src/library.js';
import { sentenceRanges } from '../../src/corpus/sentences.js';
import minilm from '../../src/semantic/minilm.js';
import { inSizeSortedRuns, PassageVectors, wordPieceEstimate } from '../../src/semantic/passage-vectors.js';
import { nextBatchSize } from '../../src/semantic/pool.js';
import { VectorStore } from '../../src/semantic/vector-store.js';
import { dataFolder } from '../helpers.js';

/** Passages of sentences of very different lengths, so that sorting texts by size reorders them. */
const SOURCES = {
  'notes.txt': [
    'Open on Mondays. The drop-in centre in Brixton offers hot meals, a nurse, legal advice and a quiet room for anyone who needs one, every weekday afternoon from two until six. Bring nothing.',
    'Tea. The outreach van visits the industrial estate on Thursday nights with condoms, food parcels and a trained worker who can refer women to housing support and to the sexual health clinic.',
    'A longer sentence with many words in it comes first here, so that the order of sizes differs from the order of the text, which is what the sorting has to undo. Short one.',
  ].join('\n\n'),
};

describe('embedding texts in order of size', () => {
  it('gives each sentence of each passage its own vector', async () => {
    const dataDir = await dataFolder(SOURCES);
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'citebot-order-'));
    try {
      const library = await Library.open({ dataDir });
      const vectors = await PassageVectors.start(library.passages, {
        model: minilm,
        storeFile: VectorStore.fileFor(scratch, minilm.id, dataDir),
        search: 'scan',
      });
      expect(await vectors.complete).toBe(true);
      const embedder = await minilm.load();
      let sentences = 0;
      for (const [index, passage] of library.passages.entries()) {
        for (const range of sentenceRanges(passage.text)) {
          const [own] = (await embedder.embed([passage.text.slice(...range)])) as [Float32Array];
          const similar = vectors.sentenceSimilarities(index, own);
          const same = similar.find(({ sentence }) => sentence[0] === range[0]);
          expect(same?.cosine, passage.text.slice(...range)).toBeGreaterThan(0.999);
          expect(Math.max(...similar.map(({ cosine }) => cosine))).toBe(same?.cosine);
          sentences++;
        }
      }
      expect(sentences).toBeGreaterThanOrEqual(6);
      vectors.stop();
    } finally {
      await Promise.all([rm(dataDir, { recursive: true, force: true }), rm(scratch, { recursive: true, force: true })]);
    }
  });

  it('sorts within runs, smallest first, and keeps every text', () => {
    const texts = ['ccc', 'a', 'bb', 'dddd', 'e', 'ff'];
    expect(inSizeSortedRuns(texts, (text) => text.length, 3)).toEqual(['a', 'bb', 'ccc', 'e', 'ff', 'dddd']);
    expect(inSizeSortedRuns([], (text: string) => text.length)).toEqual([]);
  });

  it('estimates word pieces from words, numbers and marks', () => {
    expect(wordPieceEstimate('Hello, world!')).toBe(4);
    expect(wordPieceEstimate('In 2024, 35% of them — 1,200 women — said “no”.')).toBeGreaterThan(wordPieceEstimate('In the year they said no'));
    expect(wordPieceEstimate('   ')).toBe(0);
  });

  it('hands workers full batches, then equal shares of what is left', () => {
    expect(nextBatchSize(10_000, 2)).toBe(128);
    expect(nextBatchSize(200, 2)).toBe(100);
    expect(nextBatchSize(40, 2)).toBe(20);
    expect(nextBatchSize(20, 2)).toBe(16);
    expect(nextBatchSize(5, 2)).toBe(5);
  });
});
