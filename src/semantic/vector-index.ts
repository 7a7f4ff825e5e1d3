import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type usearchModule from 'usearch';
import type { Warn } from '../corpus/load.js';

/**
 * An approximate nearest-neighbour index of the texts' vectors: usearch's HNSW graph, which finds a question's
 * closest vectors in about a millisecond where a scan of every vector takes time in proportion to the corpus
 * (measured: bench/semantic.ts). It holds the vectors as bfloat16, half their size: it only proposes candidates, whose
 * similarity is then computed exactly from the full vectors. Measured on SciFact's sentence vectors: bfloat16 finds
 * as many of the closest as float32 at a third of the build time, where 8-bit integers (which usearch scales for
 * values near 1, not for the small values of a 384-dimension unit vector) find fewer.
 *
 * Each vector is keyed by its text's key (src/semantic/vector-store.ts), so that the index is kept up to date as the
 * store is, text by text, and persisted beside it.
 */
type Usearch = typeof usearchModule;
type Index = InstanceType<Usearch['Index']>;

let usearchLoaded: Promise<Usearch> | undefined;

/** usearch, a native addon that ships built for the common platforms only: loaded when first needed. */
function loadUsearch(): Promise<Usearch> {
  usearchLoaded ??= import('usearch').then((module) => module.default);
  return usearchLoaded;
}

/** Neighbours each vector links to: usearch's default, the usual balance of recall and memory. */
const CONNECTIVITY = 16;
/** Candidates weighed while a vector is added: more links it better, at a slower build. */
const EXPANSION_ADD = 128;
/**
 * Candidates weighed during a search, at least: a search for more neighbours weighs as many as it asks for. Chosen by
 * recall against an exact scan (bench/semantic.ts).
 */
const EXPANSION_SEARCH = 128;

/** The 64-bit key of a text's key (32 hex digits): its first half, ample to tell a corpus's texts apart. */
export function indexKey(textKey: string): bigint {
  return BigInt(`0x${textKey.slice(0, 16)}`);
}

export interface Neighbours {
  readonly keys: BigUint64Array;
  /** The similarity of each to the query (an approximation: the index holds bfloat16 vectors), best first. */
  readonly similarities: Float32Array;
}

/** Vectors added between two yields to the event loop: the build runs on the thread that answers questions. */
const ADD_SLICE = 256;

export class VectorIndex {
  readonly #index: Index;

  private constructor(index: Index) {
    this.#index = index;
  }

  static #create(usearch: Usearch, dimensions: number): Index {
    const { Index, MetricKind, ScalarKind } = usearch;
    return new Index({
      dimensions,
      metric: MetricKind.IP,
      quantization: ScalarKind.BF16,
      connectivity: CONNECTIVITY,
      expansion_add: EXPANSION_ADD,
      expansion_search: EXPANSION_SEARCH,
      multi: false,
    });
  }

  /**
   * The index of the vectors `live` names (each key with the row of `rows` that holds its vector), read from `file`
   * when it was persisted there and brought up to date: vectors of texts gone are removed, new ones added, and the
   * file written again if anything changed. Without a file, or when it cannot be read (warned about), built afresh.
   * Adding runs on `threads` threads, a slice at a time, yielding to the event loop between slices. Undefined when
   * usearch cannot load on this platform (warned about).
   */
  static async sync(options: {
    readonly file: string | undefined;
    readonly dimensions: number;
    readonly threads: number;
    readonly live: ReadonlyMap<bigint, number>;
    readonly rows: Float32Array;
    readonly warn?: Warn;
  }): Promise<VectorIndex | undefined> {
    const { file, dimensions, threads, live, rows, warn = () => {} } = options;
    let usearch: Usearch;
    try {
      usearch = await loadUsearch();
    } catch (error) {
      warn(`the vector index (usearch) could not load, so every sentence is scanned instead: ${(error as Error).message}`);
      return undefined;
    }
    let index = VectorIndex.#create(usearch, dimensions);
    let indexed = new BigUint64Array(0);
    if (file !== undefined) {
      try {
        const listed = await readFile(keysFileOf(file));
        if (!listed.subarray(0, FORMAT.length).equals(FORMAT)) throw new IndexOfAnotherFormat();
        const keyBytes = listed.subarray(FORMAT.length);
        // usearch reads whatever a file holds (a damaged one can make it allocate without end): the index is read
        // only when its bytes are those its list of keys was written with.
        if (!digestOf(await readFile(file)).equals(keyBytes.subarray(0, DIGEST_BYTES))) {
          throw new Error('it is not the index its list of keys was written with');
        }
        indexed = new BigUint64Array(keyBytes.buffer.slice(keyBytes.byteOffset + DIGEST_BYTES, keyBytes.byteOffset + keyBytes.length));
        index.load(file);
        if (index.dimensions() !== dimensions || index.size() !== indexed.length) {
          throw new Error('it does not match the list of its keys');
        }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof IndexOfAnotherFormat)) {
          warn(`the vector index ${file} could not be read (${(error as Error).message}): building it again`);
        }
        index = VectorIndex.#create(usearch, dimensions);
        indexed = new BigUint64Array(0);
      }
    }
    const stale = indexed.filter((key) => !live.has(key));
    if (stale.length > 0) index.remove(stale);
    const known = new Set(indexed);
    const missing = [...live.keys()].filter((key) => !known.has(key));
    for (let first = 0; first < missing.length; first += ADD_SLICE) {
      const keys = BigUint64Array.from(missing.slice(first, first + ADD_SLICE));
      const vectors = new Float32Array(keys.length * dimensions);
      for (const [offset, key] of keys.entries()) {
        const row = live.get(key) as number;
        vectors.set(rows.subarray(row * dimensions, (row + 1) * dimensions), offset * dimensions);
      }
      index.add(keys, vectors, threads);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const result = new VectorIndex(index);
    if (file !== undefined && (stale.length > 0 || missing.length > 0)) {
      try {
        await result.#save(file, BigUint64Array.from(live.keys()));
      } catch (error) {
        warn(`the vector index is not persisted: ${(error as Error).message}`);
      }
    }
    return result;
  }

  get size(): number {
    return this.#index.size();
  }

  /** The `count` vectors closest to the query (fewer when the index holds fewer), best first. */
  search(query: Float32Array, count: number): Neighbours {
    const wanted = Math.min(count, this.size);
    if (wanted === 0) return { keys: new BigUint64Array(0), similarities: new Float32Array(0) };
    const matches = this.#index.search(query, wanted, 1);
    let found = 0;
    while (found < matches.keys.length && matches.keys[found] !== NO_KEY) found++;
    const similarities = new Float32Array(found);
    // Inner-product distance is 1 − the dot product, and a dot product of unit vectors is their cosine.
    for (let at = 0; at < found; at++) similarities[at] = 1 - (matches.distances[at] as number);
    return { keys: matches.keys.subarray(0, found), similarities };
  }

  /**
   * Writes the index and the list of its keys (after a digest of the index's bytes), each under another name first
   * and renamed, so that a reader never sees half of either. The old list goes first: an index without its list is
   * built again, never misread.
   */
  async #save(file: string, keys: BigUint64Array): Promise<void> {
    await mkdir(path.dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    const keysFile = keysFileOf(file);
    try {
      this.#index.save(partial);
      await rm(keysFile, { force: true });
      await rename(partial, file);
      const digest = digestOf(await readFile(file));
      await writeFile(partial, Buffer.concat([FORMAT, digest, new Uint8Array(keys.buffer, keys.byteOffset, keys.byteLength)]));
      await rename(partial, keysFile);
    } finally {
      await rm(partial, { force: true });
    }
  }
}

/** usearch's key for "no vector", where a search finds fewer than asked for. */
const NO_KEY = 2n ** 64n - 1n;

const DIGEST_BYTES = 32;

/**
 * The first line of an index's list of keys: it names how the index is built, so that an index built another way
 * (by an earlier version) is built again rather than read.
 */
const FORMAT = Buffer.from(`citebot-vector-index 1 bf16 ip M${CONNECTIVITY} ef${EXPANSION_ADD}\n`, 'utf8');

/** The index was built another way than this version builds it. */
class IndexOfAnotherFormat extends Error {}

function digestOf(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

function keysFileOf(indexFile: string): string {
  return `${indexFile}.keys`;
}
