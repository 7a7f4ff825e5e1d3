import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VectorIndex } from '../../src/semantic/vector-index.js';

const DIMENSIONS = 32;

/**
 * Unit vectors in clusters, as sentence vectors are (sentences on one subject lie close together): a fixed
 * pseudo-random generator, so that every run indexes the same vectors.
 */
function clusteredVectors(count: number, clusters: number): Float32Array {
  let state = 12_345;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31 - 0.5;
  };
  const centres = Array.from({ length: clusters }, () => Float32Array.from({ length: DIMENSIONS }, random));
  const vectors = new Float32Array(count * DIMENSIONS);
  for (let row = 0; row < count; row++) {
    const centre = centres[row % clusters] as Float32Array;
    let norm = 0;
    for (let at = 0; at < DIMENSIONS; at++) {
      const value = (centre[at] as number) + 0.3 * random();
      vectors[row * DIMENSIONS + at] = value;
      norm += value * value;
    }
    for (let at = 0; at < DIMENSIONS; at++) vectors[row * DIMENSIONS + at] = (vectors[row * DIMENSIONS + at] as number) / Math.sqrt(norm);
  }
  return vectors;
}

/** The keys of the `count` rows closest to the query, by an exact scan. */
function exactNearest(vectors: Float32Array, keys: readonly bigint[], query: Float32Array, count: number): bigint[] {
  const scored = keys.map((key, row) => {
    let dot = 0;
    for (let at = 0; at < DIMENSIONS; at++) dot += (vectors[row * DIMENSIONS + at] as number) * (query[at] as number);
    return { key, dot };
  });
  return scored
    .sort((a, b) => b.dot - a.dot)
    .slice(0, count)
    .map(({ key }) => key);
}

const ROWS = 2_000;
const vectors = clusteredVectors(ROWS, 40);
const keys = Array.from({ length: ROWS }, (_, row) => BigInt(row) * 7919n + 11n);
const live = new Map(keys.map((key, row) => [key, row]));
const queryOf = (row: number) => vectors.subarray(row * DIMENSIONS, (row + 1) * DIMENSIONS);

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'citebot-vector-index-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('the vector index', () => {
  it('finds nearly every one of the closest vectors an exact scan finds, closest first', async () => {
    const index = (await VectorIndex.sync({ file: undefined, dimensions: DIMENSIONS, threads: 1, live, rows: vectors })) as VectorIndex;
    expect(index.size).toBe(ROWS);
    let found = 0;
    for (let query = 0; query < 50; query++) {
      const { keys: nearest, similarities } = index.search(queryOf(query * 37), 20);
      const exact = new Set(exactNearest(vectors, keys, queryOf(query * 37), 20));
      found += [...nearest].filter((key) => exact.has(key)).length;
      expect(nearest[0]).toBe(keys[query * 37]);
      for (let at = 1; at < similarities.length; at++) {
        expect(similarities[at] as number).toBeLessThanOrEqual((similarities[at - 1] as number) + 1e-6);
      }
    }
    expect(found / (50 * 20)).toBeGreaterThan(0.95);
  });

  it('is persisted, read back as it was, and only brought up to date when texts change', async () => {
    const file = path.join(scratch, 'persisted.index');
    await VectorIndex.sync({ file, dimensions: DIMENSIONS, threads: 1, live, rows: vectors });
    const written = (await stat(file)).mtimeMs;

    const reread = (await VectorIndex.sync({ file, dimensions: DIMENSIONS, threads: 1, live, rows: vectors })) as VectorIndex;
    expect((await stat(file)).mtimeMs).toBe(written);
    expect(reread.size).toBe(ROWS);
    expect(reread.search(queryOf(5), 1).keys[0]).toBe(keys[5]);

    // A text gone, and another in its place (its vector that of row 5, under a new key).
    const changed = new Map(live);
    changed.delete(keys[5] as bigint);
    changed.set(424242n, 5);
    const updated = (await VectorIndex.sync({ file, dimensions: DIMENSIONS, threads: 1, live: changed, rows: vectors })) as VectorIndex;
    expect(updated.size).toBe(ROWS);
    expect(updated.search(queryOf(5), 1).keys[0]).toBe(424242n);
    const again = (await VectorIndex.sync({ file, dimensions: DIMENSIONS, threads: 1, live: changed, rows: vectors })) as VectorIndex;
    expect(again.search(queryOf(5), 1).keys[0]).toBe(424242n);
  });

  it('is built again, with a warning, when its file is damaged', async () => {
    const file = path.join(scratch, 'damaged.index');
    await VectorIndex.sync({ file, dimensions: DIMENSIONS, threads: 1, live, rows: vectors });
    await writeFile(file, 'not an index');
    const warnings: string[] = [];
    const rebuilt = (await VectorIndex.sync({
      file,
      dimensions: DIMENSIONS,
      threads: 1,
      live,
      rows: vectors,
      warn: (message) => warnings.push(message),
    })) as VectorIndex;
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/could not be read.*building it again/);
    expect(rebuilt.search(queryOf(9), 1).keys[0]).toBe(keys[9]);
  });
});
