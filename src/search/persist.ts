import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import MiniSearch, { type Options } from 'minisearch';
import SearchableMap from 'minisearch/SearchableMap';
import { DEFAULT_PASSAGE_SHAPE } from '../corpus/passages.js';
import type { Passage, Source } from '../corpus/types.js';
import type { Warn } from '../corpus/load.js';
import { ANALYZER_VERSION } from './analyzer.js';
import type { AcronymKnowledge, ExpansionGroup } from './expansions.js';
import { SearchIndex } from './search-index.js';
import type { Vocabulary } from './spelling.js';

/**
 * The persisted index: the passages and the search index built from a data folder, written to a cache folder so that
 * the next start reads them instead of building them again (seconds for thousands of documents).
 *
 * A persisted index is used only when it was built from the same sources (names and text), synonyms, analyzer
 * version, passage shape and persisted format; anything else rebuilds it. Bump PERSISTED_INDEX_VERSION whenever a
 * change to how passages are cut, acronyms learned or the index filled would give a different index from the same
 * sources without changing ANALYZER_VERSION or DEFAULT_PASSAGE_SHAPE.
 */
export const PERSISTED_INDEX_VERSION = 1;

/** Where the CLI and the bot keep persisted indexes, relative to the folder they run in (ignored by git). */
export const DEFAULT_INDEX_CACHE_DIR = '.cache/index';

/** A data folder's passages with their search index: what a Library is built around. */
export interface IndexedPassages {
  readonly passages: readonly Passage[];
  readonly index: SearchIndex;
}

/**
 * The structures a SearchIndex builds from its passages. SearchIndex keeps them private; this module is the one place
 * that reads and restores them, and it checks their names first, so that a SearchIndex that gained or lost a
 * structure is never restored half-way: it is rebuilt, with a warning to update this module.
 */
interface BuiltStructures {
  passages: readonly Passage[];
  acronyms: AcronymKnowledge;
  miniSearch: MiniSearch;
  documentFrequency: Map<string, number>;
  titleTerms: Set<string>;
  vocabulary: Vocabulary;
  maxIdf: number;
}

/**
 * Made from the acronyms, synonyms and ranking options alone: an index over no passages has them right. (`bm25`, the
 * scorer, is made on first use from whichever MiniSearch the index holds.)
 */
const CONFIGURED_FIELDS = ['acronyms', 'ranking', 'expander', 'initialsCache', 'bm25'];
const BUILT_FIELDS = ['passages', 'miniSearch', 'documentFrequency', 'titleTerms', 'vocabulary', 'maxIdf'];
const VOCABULARY_FIELDS = ['words'];

const structuresOf = (index: SearchIndex) => index as unknown as BuiltStructures;
const vocabularyOf = (vocabulary: Vocabulary) => vocabulary as unknown as { words: SearchableMap<number> };

function sameFields(object: object, expected: readonly string[]): boolean {
  const fields = Object.keys(object).sort();
  const wanted = [...expected].sort();
  return fields.length === wanted.length && fields.every((field, position) => field === wanted[position]);
}

/** Why the persisted form cannot hold this SearchIndex, or undefined when it can. */
function unpersistable(index: SearchIndex): string | undefined {
  if (!sameFields(index, [...CONFIGURED_FIELDS, ...BUILT_FIELDS])) {
    return `SearchIndex holds ${Object.keys(index).sort().join(', ')}; src/search/persist.ts knows ${[...CONFIGURED_FIELDS, ...BUILT_FIELDS].sort().join(', ')}`;
  }
  if (!sameFields(structuresOf(index).vocabulary, VOCABULARY_FIELDS)) return 'Vocabulary changed shape';
  if (!sameFields(structuresOf(index).miniSearch, MINISEARCH_FIELDS)) return 'MiniSearch changed shape';
  return undefined;
}

/** A radix tree as MiniSearch's SearchableMap keeps it: edge labels to subtrees, the empty label to a leaf's value. */
type RadixTree = Map<string, unknown>;
const LEAF = '';

/**
 * A radix tree written depth first: its edge labels in order, and whole numbers (each node's number of edges, and each
 * leaf's value as the leaf codec writes it). Reading it back gives the same tree with its edges in the same order, so
 * that prefix searches meet the terms, and add up their scores, in the same order as in the tree that was built.
 */
interface EncodedTree {
  readonly labels: string[];
  readonly numbers: Uint32Array;
}

interface LeafCodec<T> {
  write(value: T, numbers: number[]): void;
  read(next: () => number): T;
}

function encodeTree<T>(tree: RadixTree, leaf: LeafCodec<T>): EncodedTree {
  const labels: string[] = [];
  const numbers: number[] = [];
  const visit = (node: RadixTree) => {
    numbers.push(node.size);
    for (const [label, child] of node) {
      labels.push(label);
      if (label === LEAF) leaf.write(child as T, numbers);
      else visit(child as RadixTree);
    }
  };
  visit(tree);
  return { labels, numbers: Uint32Array.from(numbers) };
}

function decodeTree<T>(encoded: EncodedTree, leaf: LeafCodec<T>): RadixTree {
  const { labels, numbers } = encoded;
  let labelAt = 0;
  let numberAt = 0;
  const next = () => numbers[numberAt++] ?? 0;
  const visit = (): RadixTree => {
    const node: RadixTree = new Map();
    for (let edges = next(); edges > 0; edges--) {
      const label = labels[labelAt++] ?? LEAF;
      node.set(label, label === LEAF ? leaf.read(next) : visit());
    }
    return node;
  };
  return visit();
}

/** A term's postings in MiniSearch: field id → (document short id → term frequency). */
type FieldTermData = Map<number, Map<number, number>>;

const POSTINGS: LeafCodec<FieldTermData> = {
  write(fields, numbers) {
    numbers.push(fields.size);
    for (const [fieldId, frequencies] of fields) {
      numbers.push(fieldId, frequencies.size);
      for (const [document, frequency] of frequencies) numbers.push(document, frequency);
    }
  },
  read(next) {
    const fields: FieldTermData = new Map();
    for (let fieldCount = next(); fieldCount > 0; fieldCount--) {
      const fieldId = next();
      const frequencies = new Map<number, number>();
      for (let documents = next(); documents > 0; documents--) frequencies.set(next(), next());
      fields.set(fieldId, frequencies);
    }
    return fields;
  },
};

const WORD_COUNT: LeafCodec<number> = {
  write: (count, numbers) => numbers.push(count),
  read: (next) => next(),
};

/** MiniSearch's own SearchableMap class (not the one exported for general use), which takes its tree when made. */
interface IndexMap {
  _tree: RadixTree;
  constructor: new (tree: RadixTree) => IndexMap;
}

/**
 * MiniSearch's state (7.2; the fields its own loadJS restores). Its loadJSON would rebuild the same index from JSON,
 * but parses an object per term and field, which takes several times longer than reading the tree back.
 */
interface MiniSearchState {
  _options: Options;
  _index: IndexMap;
  _documentCount: number;
  _documentIds: Map<number, unknown>;
  _idToShortId: Map<unknown, number>;
  _fieldIds: Record<string, number>;
  _fieldLength: Map<number, number[]>;
  _avgFieldLength: number[];
  _nextId: number;
  _storedFields: Map<number, unknown>;
  _dirtCount: number;
}

const MINISEARCH_FIELDS = [
  '_options', '_index', '_documentCount', '_documentIds', '_idToShortId', '_fieldIds', '_fieldLength',
  '_avgFieldLength', '_nextId', '_storedFields', '_dirtCount', '_currentVacuum', '_enqueuedVacuum',
  '_enqueuedVacuumConditions',
];

const stateOf = (miniSearch: MiniSearch) => miniSearch as unknown as MiniSearchState;

interface PersistedMiniSearch {
  readonly documentCount: number;
  readonly documentIds: Array<[number, unknown]>;
  readonly fieldIds: Record<string, number>;
  readonly fieldLength: Array<[number, number[]]>;
  readonly averageFieldLength: number[];
  readonly nextId: number;
  readonly storedFields: Array<[number, unknown]>;
  readonly dirtCount: number;
  readonly index: EncodedTree;
}

function persistMiniSearch(miniSearch: MiniSearch): PersistedMiniSearch {
  const state = stateOf(miniSearch);
  return {
    documentCount: state._documentCount,
    documentIds: [...state._documentIds],
    fieldIds: state._fieldIds,
    fieldLength: [...state._fieldLength],
    averageFieldLength: state._avgFieldLength,
    nextId: state._nextId,
    storedFields: [...state._storedFields],
    dirtCount: state._dirtCount,
    index: encodeTree(state._index._tree, POSTINGS),
  };
}

/** A MiniSearch with the options of `like` (its tokenizer, boosts and BM25 parameters) and the persisted state. */
function restoreMiniSearch(like: MiniSearch, persisted: PersistedMiniSearch): MiniSearch {
  const miniSearch = new MiniSearch(stateOf(like)._options);
  const state = stateOf(miniSearch);
  Object.assign(state, {
    _documentCount: persisted.documentCount,
    _documentIds: new Map(persisted.documentIds),
    _idToShortId: new Map(persisted.documentIds.map(([shortId, id]) => [id, shortId])),
    _fieldIds: persisted.fieldIds,
    _fieldLength: new Map(persisted.fieldLength),
    _avgFieldLength: persisted.averageFieldLength,
    _nextId: persisted.nextId,
    _storedFields: new Map(persisted.storedFields),
    _dirtCount: persisted.dirtCount,
    _index: new state._index.constructor(decodeTree(persisted.index, POSTINGS)),
  } satisfies Partial<MiniSearchState>);
  return miniSearch;
}

interface PersistedForm {
  readonly key: string;
  readonly passages: readonly Passage[];
  readonly acronyms: AcronymKnowledge;
  readonly maxIdf: number;
  readonly documentFrequency: Array<[string, number]>;
  readonly titleTerms: string[];
  readonly vocabulary: EncodedTree;
  readonly miniSearch: PersistedMiniSearch;
}

/**
 * The persisted index of one data folder: a file in the cache folder named after the data folder (so that several
 * folders keep one each), holding the key of what it was built from.
 */
export class IndexCache {
  readonly file: string;
  private readonly key: string;

  constructor(
    cacheDir: string,
    dataDir: string,
    sources: readonly Source[],
    private readonly synonyms: readonly ExpansionGroup[],
  ) {
    const folderName = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
    this.file = path.join(cacheDir, `${folderName}.index`);
    const hash = createHash('sha256');
    hash.update(JSON.stringify({ PERSISTED_INDEX_VERSION, ANALYZER_VERSION, DEFAULT_PASSAGE_SHAPE, synonyms }));
    for (const source of sources) hash.update(`\u0000${source.file}\u0000${source.text}`);
    this.key = hash.digest('hex');
  }

  /** The persisted passages and index, or undefined when there are none for these sources (or they cannot be read). */
  async load(warn: Warn): Promise<IndexedPassages | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.file);
    } catch {
      return undefined;
    }
    let persisted: PersistedForm;
    try {
      persisted = deserialize(bytes) as PersistedForm;
    } catch (error) {
      warn(`could not read the persisted index ${this.file} (${(error as Error).message}): building it again`);
      return undefined;
    }
    if (persisted.key !== this.key) return undefined;

    const index = new SearchIndex([], persisted.acronyms, this.synonyms);
    const problem = unpersistable(index);
    if (problem !== undefined) {
      warn(`the persisted index is out of step with the search index (${problem}): building it again`);
      return undefined;
    }
    const structures = structuresOf(index);
    const vocabulary = structures.vocabulary;
    vocabularyOf(vocabulary).words = new SearchableMap<number>(decodeTree(persisted.vocabulary, WORD_COUNT) as never);
    Object.assign(structures, {
      passages: persisted.passages,
      miniSearch: restoreMiniSearch(structures.miniSearch, persisted.miniSearch),
      documentFrequency: new Map(persisted.documentFrequency),
      titleTerms: new Set(persisted.titleTerms),
      vocabulary,
      maxIdf: persisted.maxIdf,
    } satisfies Omit<BuiltStructures, 'acronyms'>);
    return { passages: persisted.passages, index };
  }

  /** Writes the persisted index; a failure is only warned about, since the index in memory is whole. */
  async save(built: IndexedPassages, warn: Warn): Promise<void> {
    const problem = unpersistable(built.index);
    if (problem !== undefined) {
      warn(`the index was not persisted (${problem})`);
      return;
    }
    const structures = structuresOf(built.index);
    const persisted: PersistedForm = {
      key: this.key,
      passages: built.passages,
      acronyms: structures.acronyms,
      maxIdf: structures.maxIdf,
      documentFrequency: [...structures.documentFrequency],
      titleTerms: [...structures.titleTerms],
      vocabulary: encodeTree(vocabularyOf(structures.vocabulary).words._tree, WORD_COUNT),
      miniSearch: persistMiniSearch(structures.miniSearch),
    };
    // Written whole under another name, then renamed: a bot starting meanwhile never reads half a file.
    const partial = `${this.file}.${process.pid}.partial`;
    try {
      await mkdir(path.dirname(this.file), { recursive: true });
      await writeFile(partial, serialize(persisted));
      await rename(partial, this.file);
    } catch (error) {
      warn(`could not persist the index to ${this.file}: ${(error as Error).message}`);
      await rm(partial, { force: true }).catch(() => {});
    }
  }
}
