import type MiniSearch from 'minisearch';
/**
 * The inverted index and BM25 over it, in typed arrays.
 *
 * Each field's postings are stored term after term in flat arrays (document, frequency), found through an array of
 * offsets by term id. Scoring a question walks those arrays into one float per document, with no object per posting
 * and no Map to iterate; a persisted index is the same arrays, read back as they are, and the garbage collector
 * never has to trace millions of small objects.
 *
 * MiniSearch builds the index; its postings are copied into these arrays once (invertedIndexFromMiniSearch).
 * Scores are those the index has always given (MiniSearch 7's, with a scorer reading its Maps): classic BM25
 * per field, where a field's length is the number of distinct terms it holds and the average length is accumulated
 * document by document, weighted by field boost and term weight and summed term by term, field by field, in the same
 * order, so that every score is the same to the last bit.
 */

/** One field's postings. */
export interface FieldPostings {
  /** Where each term's postings start in `documents` and `frequencies`, by term id; the last entry is their end. */
  readonly offsets: Uint32Array;
  /** The documents that hold each term in this field, in increasing order, term after term. */
  readonly documents: Uint32Array;
  /** How often the term occurs in the field of each of those documents. */
  readonly frequencies: Uint32Array;
  /** Each document's length in this field: how many distinct terms it holds there. */
  readonly lengths: Uint32Array;
  /** The mean of `lengths`, accumulated one document at a time (the order of the additions fixes its last bits). */
  readonly averageLength: number;
}

/**
 * The array on a buffer of its own. Node's deserializer gives typed arrays as views into the bytes it read (a whole
 * persisted index), which would keep all those bytes alive as long as any one of the arrays.
 */
export function withOwnBuffer<T extends Uint32Array | Float64Array>(array: T): T {
  return array.byteLength === array.buffer.byteLength ? array : (array.slice() as T);
}

/** Terms by id, and each field's postings of them. Documents are numbered from 0 in the order they were added. */
export class InvertedIndex {
  constructor(
    /** Every term the index knows, to its id; ids run from 0 in the Map's order. */
    readonly terms: ReadonlyMap<string, number>,
    readonly fields: readonly FieldPostings[],
    readonly documentCount: number,
  ) {}

  termId(term: string): number | undefined {
    return this.terms.get(term);
  }

  /** How many documents hold the term in the field. */
  postingCount(field: number, termId: number): number {
    const { offsets } = this.fields[field] as FieldPostings;
    return (offsets[termId + 1] as number) - (offsets[termId] as number);
  }

  /**
   * Checks that the arrays fit together (as they may not when read back from a damaged file), so that no lookup
   * can fall outside them; throws if they do not.
   */
  validate(): void {
    const termCount = this.terms.size;
    for (const [index, field] of this.fields.entries()) {
      const { offsets, documents, frequencies, lengths, averageLength } = field;
      const arrays = [offsets, documents, frequencies, lengths];
      if (!arrays.every((array) => array instanceof Uint32Array) || typeof averageLength !== 'number') {
        throw new Error(`field ${index} is not in its persisted form`);
      }
      if (offsets.length !== termCount + 1 || offsets[0] !== 0 || offsets[termCount] !== documents.length) {
        throw new Error(`field ${index}'s offsets do not match its terms and postings`);
      }
      for (let term = 0; term < termCount; term++) {
        if ((offsets[term] as number) > (offsets[term + 1] as number)) {
          throw new Error(`field ${index}'s offsets go back`);
        }
      }
      if (frequencies.length !== documents.length || lengths.length !== this.documentCount) {
        throw new Error(`field ${index}'s arrays differ in length`);
      }
      const documentCount = this.documentCount;
      for (let at = 0; at < documents.length; at++) {
        if ((documents[at] as number) >= documentCount) throw new Error(`field ${index} names unknown documents`);
      }
    }
  }
}

/**
 * The flat index of a MiniSearch index, made from its documented serialized form (`toJSON()`): MiniSearch indexes the
 * passages, and BM25 reads these arrays, which are far quicker to score than its tree of Maps, and to persist and
 * read back. The documents must have been added as ids 0, 1, 2… in order, so that MiniSearch's short ids are theirs.
 * `terms` gives the ids of the terms known so far, and gets an id for every other term of the index.
 */
export function invertedIndexFromMiniSearch<Document extends { id: number }>(
  miniSearch: MiniSearch<Document>,
  fieldNames: readonly string[],
  terms: Map<string, number>,
): InvertedIndex {
  const { documentCount, documentIds, fieldIds, fieldLength, averageFieldLength, index } = miniSearch.toJSON();
  for (let shortId = 0; shortId < documentCount; shortId++) {
    if (documentIds[shortId] !== shortId) throw new Error('the documents were not indexed as ids 0, 1, 2… in order');
  }
  const ids = index.map(([term]) => {
    let id = terms.get(term);
    if (id === undefined) {
      id = terms.size;
      terms.set(term, id);
    }
    return id;
  });
  const fields = fieldNames.map((name): FieldPostings => {
    const fieldId = fieldIds[name];
    if (fieldId === undefined) throw new Error(`MiniSearch has no field "${name}"`);
    const postingsOf = (at: number) => (index[at] as (typeof index)[number])[1][fieldId];
    const offsets = new Uint32Array(terms.size + 1);
    for (let at = 0; at < index.length; at++) {
      offsets[(ids[at] as number) + 1] = Object.keys(postingsOf(at) ?? {}).length;
    }
    for (let term = 0; term < terms.size; term++) {
      offsets[term + 1] = (offsets[term + 1] as number) + (offsets[term] as number);
    }
    const documents = new Uint32Array(offsets[terms.size] as number);
    const frequencies = new Uint32Array(documents.length);
    for (let at = 0; at < index.length; at++) {
      let position = offsets[ids[at] as number] as number;
      // Integer keys come out in increasing order: each term's documents are in order.
      for (const [document, frequency] of Object.entries(postingsOf(at) ?? {})) {
        documents[position] = Number(document);
        frequencies[position++] = frequency;
      }
    }
    const lengths = Uint32Array.from({ length: documentCount }, (_, shortId) => fieldLength[shortId]?.[fieldId] ?? 0);
    return { offsets, documents, frequencies, lengths, averageLength: averageFieldLength[fieldId] ?? 0 };
  });
  return new InvertedIndex(terms, fields, documentCount);
}

/** A term to score, and the words of the question it counts for (a term may stand for several). */
export interface ScoredTerm {
  readonly term: string;
  /** The term's weight in the BM25 sum: the highest weight it has for any word. */
  readonly weight: number;
  /** Words (by index into the question's words) the term counts for, with its weight for each. */
  readonly words: ReadonlyArray<{ readonly word: number; readonly weight: number }>;
}

export interface ScoringWord {
  /** The word's inverse document frequency: what holding it is worth. */
  readonly idf: number;
}

/** What the question's words a document holds are worth. */
export interface Holding {
  /** The idf of each word held, at the best weight among the word's terms held, summed. */
  readonly heldIdf: number;
  /** How many of the question's words are held. */
  readonly wordsHeld: number;
}

/**
 * What a question's terms matched. It lives in the scorer's own arrays, so it holds only until the scorer's next
 * question: read it at once.
 */
export interface Scoring {
  /** The documents that hold any of the terms: the first `touchedCount` entries. */
  readonly touched: Uint32Array;
  readonly touchedCount: number;
  /** BM25 scores by document, for the touched documents (the others hold stale values). */
  readonly bm25: Float64Array;
  /** For each touched document, in the order of `touched`: what the question's words it holds are worth (heldIdf). */
  readonly heldIdf: Float64Array;
  /** The question's words a touched document holds. */
  holding(document: number): Holding;
}

/**
 * Questions with at most this many distinct terms look up what a document holds in a table indexed by which terms it
 * matched (2^this entries), rather than in a Map: it is done for every document a question touches.
 */
const PATTERN_TABLE_BITS = 16;

export class Bm25Scorer {
  /** Per field: k1 · b / average length × each document's length, the part of BM25's denominator a term shares. */
  readonly #lengthNorms: Float64Array[];
  readonly #scores: Float64Array;
  /** Which query last touched each document, so that arrays need no clearing between queries. */
  readonly #touchedBy: Float64Array;
  readonly #touched: Uint32Array;
  /** Each touched document's heldIdf, in the order of `touched` (reused: a question would otherwise allocate one). */
  readonly #heldIdfs: Float64Array;
  /** Per 32 terms of a question: which of them each document holds, one bit each. */
  #masks: Uint32Array[] = [];
  #query = 0;
  /** By pattern of terms matched (a mask): the query that last worked out its holding, and that holding. */
  #patternQuery: Float64Array | undefined;
  #patternHeldIdf = new Float64Array(0);
  #patternWordsHeld = new Uint32Array(0);

  readonly #index: InvertedIndex;
  /** Each field's weight, in the order of the index's fields. */
  readonly #boosts: readonly number[];
  readonly #k1: number;
  readonly #b: number;

  constructor(index: InvertedIndex, boosts: readonly number[], k1: number, b: number) {
    this.#index = index;
    this.#boosts = boosts;
    this.#k1 = k1;
    this.#b = b;
    const size = index.documentCount;
    this.#lengthNorms = index.fields.map(({ lengths, averageLength }) => {
      const lengthWeight = (k1 * b) / (averageLength || 1);
      return Float64Array.from(lengths, (length) => lengthWeight * length);
    });
    this.#scores = new Float64Array(size);
    this.#touchedBy = new Float64Array(size);
    this.#touched = new Uint32Array(size);
    this.#heldIdfs = new Float64Array(size);
  }

  /**
   * Every document that holds any of the terms, with its BM25 score and what it holds of the question's words.
   * `terms` are distinct; a document's hold on a word is the best weight among that word's terms it holds.
   */
  score(terms: readonly ScoredTerm[], words: readonly ScoringWord[]): Scoring {
    const query = ++this.#query;
    const [scores, touchedBy, touched, k1, index] = [this.#scores, this.#touchedBy, this.#touched, this.#k1, this.#index];
    const documentCount = index.documentCount;
    const base = k1 * (1 - this.#b);
    const maskCount = Math.ceil(terms.length / 32);
    while (this.#masks.length < maskCount) this.#masks.push(new Uint32Array(scores.length));
    const masks = this.#masks;
    let touchedCount = 0;

    for (let termIndex = 0; termIndex < terms.length; termIndex++) {
      const { term, weight } = terms[termIndex] as ScoredTerm;
      const termId = index.termId(term);
      if (termId === undefined) continue;
      const mask = masks[termIndex >>> 5] as Uint32Array;
      const bit = 1 << (termIndex & 31);
      for (let fieldIndex = 0; fieldIndex < index.fields.length; fieldIndex++) {
        const field = index.fields[fieldIndex] as FieldPostings;
        const start = field.offsets[termId] as number;
        const end = field.offsets[termId + 1] as number;
        const matching = end - start;
        if (matching === 0) continue;
        const idf = Math.log(1 + (documentCount - matching + 0.5) / (matching + 0.5));
        const factor = weight * (this.#boosts[fieldIndex] as number) * idf * (k1 + 1);
        const lengthNorm = this.#lengthNorms[fieldIndex] as Float64Array;
        const { documents, frequencies } = field;
        for (let at = start; at < end; at++) {
          const document = documents[at] as number;
          const frequency = frequencies[at] as number;
          if (touchedBy[document] !== query) {
            touchedBy[document] = query;
            scores[document] = 0;
            for (let m = 0; m < maskCount; m++) (masks[m] as Uint32Array)[document] = 0;
            touched[touchedCount++] = document;
          }
          scores[document] =
            (scores[document] as number) + (factor * frequency) / (frequency + base + (lengthNorm[document] as number));
          mask[document] = ((mask[document] as number) | bit) >>> 0;
        }
      }
    }

    // What a document holds of the question depends only on which terms it matched: worked out once per pattern,
    // into `held` and `heldCount`, without allocating (a question may meet thousands of patterns).
    const best = new Float64Array(words.length);
    let held = 0;
    let heldCount = 0;
    const workOutHolding = (document: number): void => {
      best.fill(0);
      for (let termIndex = 0; termIndex < terms.length; termIndex++) {
        const mask = masks[termIndex >>> 5] as Uint32Array;
        if (((mask[document] as number) & (1 << (termIndex & 31))) === 0) continue;
        const termWords = (terms[termIndex] as ScoredTerm).words;
        for (let at = 0; at < termWords.length; at++) {
          const { word, weight } = termWords[at] as ScoredTerm['words'][number];
          if (weight > (best[word] as number)) best[word] = weight;
        }
      }
      held = 0;
      heldCount = 0;
      for (let word = 0; word < best.length; word++) {
        const weight = best[word] as number;
        if (weight > 0) {
          held += weight * (words[word]?.idf ?? 0);
          heldCount++;
        }
      }
    };
    const holdingOfPattern = (document: number): Holding => {
      workOutHolding(document);
      return { heldIdf: held, wordsHeld: heldCount };
    };

    // Each touched document's heldIdf is looked up in one pass over arrays: it is needed for every one of them.
    const heldIdf = this.#heldIdfs.subarray(0, touchedCount);
    let holding: (document: number) => Holding;
    if (terms.length <= PATTERN_TABLE_BITS) {
      if (this.#patternQuery === undefined) {
        this.#patternQuery = new Float64Array(1 << PATTERN_TABLE_BITS);
        this.#patternHeldIdf = new Float64Array(1 << PATTERN_TABLE_BITS);
        this.#patternWordsHeld = new Uint32Array(1 << PATTERN_TABLE_BITS);
      }
      const [patternQuery, patternHeldIdf, patternWordsHeld] = [this.#patternQuery, this.#patternHeldIdf, this.#patternWordsHeld];
      const mask = masks[0] as Uint32Array;
      const patternOf = (document: number): number => {
        const pattern = mask[document] as number;
        if (patternQuery[pattern] !== query) {
          workOutHolding(document);
          patternQuery[pattern] = query;
          patternHeldIdf[pattern] = held;
          patternWordsHeld[pattern] = heldCount;
        }
        return pattern;
      };
      for (let at = 0; at < touchedCount; at++) {
        const document = touched[at] as number;
        const pattern = mask[document] as number;
        heldIdf[at] = patternHeldIdf[patternQuery[pattern] === query ? pattern : patternOf(document)] as number;
      }
      holding = (document) => {
        const pattern = patternOf(document);
        return { heldIdf: patternHeldIdf[pattern] as number, wordsHeld: patternWordsHeld[pattern] as number };
      };
    } else {
      const holdings = new Map<string | number, Holding>();
      holding = (document) => {
        let key: string | number = (masks[0] as Uint32Array)[document] as number;
        for (let m = 1; m < maskCount; m++) key = `${key},${(masks[m] as Uint32Array)[document] as number}`;
        let found = holdings.get(key);
        if (found === undefined) {
          found = holdingOfPattern(document);
          holdings.set(key, found);
        }
        return found;
      };
      for (let at = 0; at < touchedCount; at++) heldIdf[at] = holding(touched[at] as number).heldIdf;
    }

    return { touched, touchedCount, bm25: scores, heldIdf, holding };
  }
}
