import { createHash } from 'node:crypto';
import { folderKey } from '../corpus/folder.js';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { READERS_VERSION } from '../corpus/formats/index.js';
import { DEFAULT_PASSAGE_SHAPE, placeOf } from '../corpus/passages.js';
import type { Passage, Source } from '../corpus/types.js';
import type { Warn } from '../corpus/load.js';
import { ANALYZER_VERSION } from './analyzer.js';
import type { ExpansionGroup } from './expansions.js';
import { SearchIndex } from './search-index.js';
import { SNAPSHOT_FORMAT, type SearchIndexSnapshot } from './snapshot.js';

/**
 * The persisted index: the passages and the search index built from a data folder, written to a cache folder so that
 * the next start reads them instead of building them again (seconds for thousands of documents).
 *
 * A persisted index is used only when it was built from the same sources (names, and the hashes of their files'
 * bytes, or their text), synonyms, analyzer and readers' versions, passage shape and persisted format; anything else
 * rebuilds it. A passage's place (page, section, link) is not persisted: it is found again from its source. Bump PERSISTED_INDEX_VERSION whenever a
 * change to how passages are cut, acronyms learned or the index filled would give a different index from the same
 * sources without changing ANALYZER_VERSION or DEFAULT_PASSAGE_SHAPE, or when this file's layout changes (the
 * search index's own layout has SNAPSHOT_FORMAT).
 */
export const PERSISTED_INDEX_VERSION = 2;

/** Where the CLI and the bot keep persisted indexes, relative to the folder they run in (ignored by git). */
export const DEFAULT_INDEX_CACHE_DIR = '.cache/index';

/** A data folder's passages with their search index: what a Library is built around. */
export interface IndexedPassages {
  readonly passages: readonly Passage[];
  readonly index: SearchIndex;
}

/**
 * How a persisted index file starts: this line, then the key of what it was built from and a newline, then the rest
 * in Node's serialization format. The key is checked before the rest is read, so a stale file costs little.
 */
const MAGIC = 'citebot persisted index\n';

/**
 * The passages as offsets into their sources' text, rather than as copies of it: reading a few arrays back is far
 * quicker than reading thousands of objects and strings, and each passage's text is then a slice of its source's.
 */
interface PassageTable {
  /** Each passage's source, by its position in the sources the index was keyed by. */
  readonly sources: Uint32Array;
  /** Where each passage's text starts and ends in its source's text, in UTF-16 code units. */
  readonly starts: Uint32Array;
  readonly ends: Uint32Array;
  readonly firstLines: Uint32Array;
  readonly lastLines: Uint32Array;
  readonly ordinals: Uint32Array;
  /** The passages' ids end to end, and the length of each. */
  readonly ids: string;
  readonly idLengths: Uint32Array;
}

/** The passages as a table, or undefined when one is not cut from the sources as splitIntoPassages cuts them. */
function passageTable(passages: readonly Passage[], sources: readonly Source[]): PassageTable | undefined {
  const sourceIndex = new Map(sources.map((source, index) => [source.file, index]));
  const count = passages.length;
  const table = {
    sources: new Uint32Array(count),
    starts: new Uint32Array(count),
    ends: new Uint32Array(count),
    firstLines: new Uint32Array(count),
    lastLines: new Uint32Array(count),
    ordinals: new Uint32Array(count),
    ids: passages.map((passage) => passage.id).join(''),
    idLengths: Uint32Array.from(passages, (passage) => passage.id.length),
  };
  // A source's passages come in order, so each is sought after the one before.
  let searchFrom = 0;
  for (const [at, passage] of passages.entries()) {
    const index = sourceIndex.get(passage.file);
    const source = index === undefined ? undefined : sources[index];
    if (index === undefined || source === undefined || source.title !== passage.title) return undefined;
    if (at === 0 || table.sources[at - 1] !== index) searchFrom = 0;
    const start = source.text.indexOf(passage.text, searchFrom);
    if (start === -1) return undefined;
    searchFrom = start + passage.text.length;
    table.sources[at] = index;
    table.starts[at] = start;
    table.ends[at] = searchFrom;
    table.firstLines[at] = passage.lines[0];
    table.lastLines[at] = passage.lines[1];
    table.ordinals[at] = passage.ordinal;
  }
  return table;
}

/** The passages a table was made of; throws when it does not fit the sources. */
function passagesOf(table: PassageTable, sources: readonly Source[]): Passage[] {
  const { sources: sourceIndexes, starts, ends, firstLines, lastLines, ordinals, idLengths, ids } = table;
  const count = sourceIndexes?.length;
  const arrays = [sourceIndexes, starts, ends, firstLines, lastLines, ordinals, idLengths];
  if (!arrays.every((array) => array instanceof Uint32Array && array.length === count) || typeof ids !== 'string') {
    throw new Error('the passages are not in their persisted form');
  }
  const passages = new Array<Passage>(count);
  let idStart = 0;
  for (let at = 0; at < count; at++) {
    const source = sources[sourceIndexes[at] as number];
    const start = starts[at] as number;
    const end = ends[at] as number;
    if (source === undefined || start > end || end > source.text.length) {
      throw new Error('a passage lies outside its source');
    }
    const idEnd = idStart + (idLengths[at] as number);
    passages[at] = {
      id: ids.slice(idStart, idEnd),
      file: source.file,
      title: source.title,
      lines: [firstLines[at] as number, lastLines[at] as number],
      text: source.text.slice(start, end),
      ordinal: ordinals[at] as number,
      ...placeOf(source, start, end),
    };
    idStart = idEnd;
  }
  if (idStart !== ids.length) throw new Error('the passage ids do not add up');
  return passages;
}

interface PersistedForm {
  readonly passages: PassageTable;
  readonly index: SearchIndexSnapshot;
}

/**
 * The persisted index of one data folder: a file in the cache folder named after the data folder (so that several
 * folders keep one each), holding the key of what it was built from.
 */
export class IndexCache {
  readonly file: string;
  readonly #key: string;
  readonly #sources: readonly Source[];
  readonly #synonyms: readonly ExpansionGroup[];

  constructor(
    cacheDir: string,
    dataDir: string,
    sources: readonly Source[],
    synonyms: readonly ExpansionGroup[],
  ) {
    this.#sources = sources;

    this.#synonyms = synonyms;
    this.file = path.join(cacheDir, `${folderKey(dataDir)}.index`);
    const hash = createHash('sha256');
    const versions = { PERSISTED_INDEX_VERSION, SNAPSHOT_FORMAT, ANALYZER_VERSION, DEFAULT_PASSAGE_SHAPE, READERS_VERSION };
    hash.update(JSON.stringify({ ...versions, synonyms }));
    // A source read from a file is known by the hash of the file's bytes and its format (its text, blocks and pages
    // follow from them, for a given READERS_VERSION); one made otherwise, by its text.
    for (const source of sources) {
      const content = source.hash === undefined ? source.text : `${source.format ?? 'text'}\u0000${source.hash}`;
      hash.update(`\u0000${source.file}\u0000${content}`);
    }
    this.#key = hash.digest('hex');
  }

  /** The first bytes of a file persisted with this key. */
  #header(): Buffer {
    return Buffer.from(`${MAGIC}${this.#key}\n`, 'latin1');
  }

  /**
   * The persisted passages and index, or undefined when there are none for these sources. A file that cannot be
   * read back is warned about and left to be rebuilt; one built from other sources, or by an earlier version, is
   * rebuilt without a word.
   */
  async load(warn: Warn): Promise<IndexedPassages | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.file);
    } catch {
      return undefined;
    }
    const header = this.#header();
    const magic = header.subarray(0, MAGIC.length);
    if (!bytes.subarray(0, MAGIC.length).equals(magic)) {
      warn(`could not read the persisted index ${this.file} (it is not one): building it again`);
      return undefined;
    }
    if (!bytes.subarray(0, header.length).equals(header)) return undefined;
    try {
      const persisted = deserialize(bytes.subarray(header.length)) as PersistedForm;
      const passages = passagesOf(persisted.passages, this.#sources);
      const index = SearchIndex.restore(persisted.index, this.#synonyms);
      if (persisted.index.documentCount !== passages.length) throw new Error('the index is not of these passages');
      return { passages, index };
    } catch (error) {
      warn(`could not read the persisted index ${this.file} (${(error as Error).message}): building it again`);
      return undefined;
    }
  }

  /** Writes the persisted index; a failure is only warned about, since the index in memory is whole. */
  async save(built: IndexedPassages, warn: Warn): Promise<void> {
    const passages = passageTable(built.passages, this.#sources);
    if (passages === undefined) {
      warn(`could not persist the index to ${this.file}: its passages are not cut from these sources`);
      return;
    }
    const persisted: PersistedForm = { passages, index: built.index.snapshot() };
    // Written whole under another name, then renamed: a bot starting meanwhile never reads half a file.
    const partial = `${this.file}.${process.pid}.partial`;
    try {
      await mkdir(path.dirname(this.file), { recursive: true });
      await writeFile(partial, [this.#header(), serialize(persisted)]);
      await rename(partial, this.file);
    } catch (error) {
      warn(`could not persist the index to ${this.file}: ${(error as Error).message}`);
      await rm(partial, { force: true }).catch(() => {});
    }
  }
}
