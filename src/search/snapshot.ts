import type { AcronymKnowledge } from './expansions.js';
import { InvertedIndex, withOwnBuffer, type FieldPostings } from './scorer.js';
import { Vocabulary, type VocabularySnapshot } from './spelling.js';

/**
 * The search index's persisted form (src/search/persist.ts writes it): what SearchIndex builds from the passages, as
 * typed arrays and long strings, checked as it is read back.
 */

/**
 * The version of SearchIndexSnapshot's layout: bump it whenever the snapshot or what its arrays mean changes, so
 * that an older persisted index is rebuilt instead of read.
 */
export const SNAPSHOT_FORMAT = 1;

/**
 * A SearchIndex as persisted (see src/search/persist.ts): the structures built from the passages, in typed arrays and
 * long strings, which Node's serializer writes and reads back as blocks. Made by `SearchIndex.snapshot()`, read by `SearchIndex.restore()`.
 */
export interface SearchIndexSnapshot {
  readonly format: number;
  readonly documentCount: number;
  /** The index's terms in id order, end to end, and the length of each. */
  readonly terms: string;
  readonly termLengths: Uint32Array;
  /** By term id: how many passages hold the term in their own text, as analyzed (before splitting at spaces). */
  readonly documentFrequency: Uint32Array;
  /** The postings of each field, in the order text, context, title. */
  readonly fields: readonly FieldPostings[];
  readonly vocabulary: VocabularySnapshot;
  readonly acronyms: AcronymKnowledge;
}

/** What a SearchIndex builds from its passages, or reads back from a snapshot. */
export interface IndexStructures {
  readonly index: InvertedIndex;
  /** By term id: how many passages hold the term in their own text, as analyzed (before splitting at spaces). */
  readonly documentFrequency: Uint32Array;
  readonly vocabulary: Vocabulary;
}

/** Takes a snapshot of the structures; it shares their arrays, to be written out at once, not changed. */
export function snapshotOf(structures: IndexStructures, acronyms: AcronymKnowledge): SearchIndexSnapshot {
  const terms = [...structures.index.terms.keys()];
  return {
    format: SNAPSHOT_FORMAT,
    documentCount: structures.index.documentCount,
    terms: terms.join(''),
    termLengths: Uint32Array.from(terms, (term) => term.length),
    documentFrequency: structures.documentFrequency,
    fields: structures.index.fields,
    vocabulary: structures.vocabulary.snapshot(),
    acronyms,
  };
}

/** The structures a snapshot holds; throws when it is of another format or not whole. */
export function structuresOf(
snapshot: SearchIndexSnapshot,
fieldCount: number,
): { structures: IndexStructures; acronyms: AcronymKnowledge } {
  if (snapshot?.format !== SNAPSHOT_FORMAT) throw new Error(`the snapshot is not of format ${SNAPSHOT_FORMAT}`);
  const { documentCount, terms: joined, termLengths, documentFrequency, fields, acronyms } = snapshot;
  if (!Number.isInteger(documentCount) || documentCount < 0 || typeof joined !== 'string') {
    throw new Error('the snapshot is not whole');
  }
  if (!(termLengths instanceof Uint32Array) || !(documentFrequency instanceof Uint32Array)) {
    throw new Error('the snapshot’s terms are not in their persisted form');
  }
  if (!Array.isArray(fields) || fields.length !== fieldCount) {
    throw new Error(`the snapshot has not ${fieldCount} fields`);
  }
  if (!Array.isArray(acronyms?.groups) || !Array.isArray(acronyms?.names)) {
    throw new Error('the snapshot has no acronyms');
  }
  const terms = new Map<string, number>();
  let offset = 0;
  for (let id = 0; id < termLengths.length; id++) {
    const end = offset + (termLengths[id] as number);
    terms.set(joined.slice(offset, end), id);
    offset = end;
  }
  if (offset !== joined.length || terms.size !== termLengths.length || documentFrequency.length !== terms.size) {
    throw new Error('the snapshot’s terms do not add up');
  }
  const ownFields = fields.map((field): FieldPostings => {
    // Read back from a file: any part may be missing.
    const posting = field as Partial<FieldPostings> | undefined;
    const { offsets, documents, frequencies, lengths, averageLength } = posting ?? {};
    const arrays = [offsets, documents, frequencies, lengths];
    if (!arrays.every((array) => array instanceof Uint32Array) || typeof averageLength !== 'number') {
      throw new Error('the snapshot’s postings are not in their persisted form');
    }
    const [ownOffsets, ownDocuments, ownFrequencies, ownLengths] = (arrays).map((array) => withOwnBuffer(array));
    return {
      offsets: ownOffsets as Uint32Array,
      documents: ownDocuments as Uint32Array,
      frequencies: ownFrequencies as Uint32Array,
      lengths: ownLengths as Uint32Array,
      averageLength,
    };
  });
  const index = new InvertedIndex(terms, ownFields, documentCount);
  index.validate();
  const vocabulary = Vocabulary.restore(snapshot.vocabulary);
  const structures = { index, documentFrequency: withOwnBuffer(documentFrequency), vocabulary };
  return { structures, acronyms };
}
