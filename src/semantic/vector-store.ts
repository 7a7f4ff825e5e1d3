import { createHash } from 'node:crypto';
import { folderKey } from '../corpus/folder.js';
import { appendFile, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import path from 'node:path';
import type { Warn } from '../corpus/load.js';

/** Where the CLI and the bot keep embedded vectors, relative to the folder they run in (ignored by git). */
export const DEFAULT_VECTOR_CACHE_DIR = '.cache/vectors';

/** Bytes of a text's key: the start of the SHA-256 of the text, ample to tell a corpus's texts apart. */
const KEY_BYTES = 16;
const MAGIC = 'citebot-vectors 1\n';
/**
 * Vectors are stored as this machine holds them in memory, so that reading them is a copy; the header names the byte
 * order, so that a machine of the other order computes them again rather than misreading them.
 */
const BYTE_ORDER = endianness();

/** The key a text's vector is stored under: a hash of the text itself, so an unchanged text keeps its vector. */
export function textKey(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, KEY_BYTES * 2);
}

/**
 * Vectors of texts, persisted in one file: a header naming the model, then fixed-size records (key, vector).
 * New vectors are appended as they are computed, so that an interrupted build keeps what it had done; a record cut
 * short by the interruption is dropped on the next open. Without a file, the vectors are kept in memory only.
 */
export class VectorStore {
  readonly #vectors = new Map<string, Float32Array>();
  readonly #header: Buffer;
  readonly #recordBytes: number;
  /** Whether the file's header is in place (a new or unreadable file gets it with the first append). */
  #headerWritten = false;

  private constructor(
    readonly file: string | undefined,
    modelId: string,
    dimensions: number,
  ) {
    this.#header = Buffer.from(`${MAGIC}${JSON.stringify({ model: modelId, dimensions, byteOrder: BYTE_ORDER })}\n`, 'utf8');
    this.#recordBytes = KEY_BYTES + dimensions * Float32Array.BYTES_PER_ELEMENT;
  }

  /** The store's file for a model and a data folder, under `dir`: one per data folder, as the index has. */
  static fileFor(dir: string, modelId: string, dataDir: string): string {
    return path.join(dir, modelId.replace(/[^\w.-]+/g, '_'), `${folderKey(dataDir)}.vectors`);
  }

  /** Reads the vectors stored in `file`; a missing file is an empty store, an unreadable one is warned about. */
  static async open(
    file: string | undefined,
    modelId: string,
    dimensions: number,
    warn: Warn = () => {},
  ): Promise<VectorStore> {
    const store = new VectorStore(file, modelId, dimensions);
    if (file === undefined) return store;
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch {
      return store;
    }
    if (!bytes.subarray(0, store.#header.length).equals(store.#header)) {
      warn(`the stored vectors in ${file} are of another model or format: computing them again`);
      return store;
    }
    store.#headerWritten = true;
    const records = Math.floor((bytes.length - store.#header.length) / store.#recordBytes);
    for (let record = 0; record < records; record++) {
      const at = store.#header.length + record * store.#recordBytes;
      const key = bytes.toString('hex', at, at + KEY_BYTES);
      const vector = new Float32Array(dimensions);
      new Uint8Array(vector.buffer).set(bytes.subarray(at + KEY_BYTES, at + store.#recordBytes));
      store.#vectors.set(key, vector);
    }
    const whole = store.#header.length + records * store.#recordBytes;
    if (whole < bytes.length) {
      // The end of an interrupted write: cut it, so that the next records start where they should.
      const handle = await open(file, 'r+');
      await handle.truncate(whole).finally(() => handle.close());
    }
    return store;
  }

  get size(): number {
    return this.#vectors.size;
  }

  get(key: string): Float32Array | undefined {
    return this.#vectors.get(key);
  }

  has(key: string): boolean {
    return this.#vectors.has(key);
  }

  /** Every key and its vector. */
  entries(): IterableIterator<[key: string, vector: Float32Array]> {
    return this.#vectors.entries();
  }

  /** Adds the vectors of new keys, appended to the file in one write. */
  async add(entries: ReadonlyArray<readonly [key: string, vector: Float32Array]>): Promise<void> {
    const added = entries.filter(([key]) => !this.#vectors.has(key));
    for (const [key, vector] of added) this.#vectors.set(key, vector);
    if (this.file === undefined) return;
    if (!this.#headerWritten) await this.#writeWhole();
    else if (added.length > 0) await appendFile(this.file, this.#encode(added));
  }

  /**
   * Drops the vectors whose keys are not in `keep` (texts that are no longer in the sources), from memory and from
   * the file.
   */
  async retainOnly(keep: ReadonlySet<string>): Promise<void> {
    const stale = [...this.#vectors.keys()].filter((key) => !keep.has(key));
    if (stale.length === 0) return;
    for (const key of stale) this.#vectors.delete(key);
    if (this.file !== undefined) await this.#writeWhole();
  }

  #encode(entries: Iterable<readonly [key: string, vector: Float32Array]>): Buffer {
    const parts: Buffer[] = [];
    for (const [key, vector] of entries) {
      parts.push(Buffer.from(key, 'hex'), Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
    }
    return Buffer.concat(parts);
  }

  /** The header and every vector held, written under another name and renamed: a reader never sees half a file. */
  async #writeWhole(): Promise<void> {
    const file = this.file as string;
    await mkdir(path.dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    try {
      await writeFile(partial, Buffer.concat([this.#header, this.#encode(this.#vectors)]));
      await rename(partial, file);
    } finally {
      await rm(partial, { force: true });
    }
    this.#headerWritten = true;
  }
}
