import type MiniSearch from 'minisearch';

/**
 * BM25 over MiniSearch's own inverted index, scored into typed arrays.
 *
 * MiniSearch's `search()` builds an object per matching passage per query term and merges them; on a question of a
 * dozen common words over 100,000 passages that is most of the time and most of the garbage. This reads the same
 * postings and gives the same scores (classic BM25 per field, weighted by field boost and term weight, summed), with
 * one float per passage and no allocation per posting.
 *
 * It reads MiniSearch 7's internal fields (the package is pinned to an exact version); `assertShape` checks them
 * when the scorer is made, so that an upgrade that moves them fails loudly instead of ranking wrongly.
 */

/** A term's postings: field id → (document short id → term frequency). */
type FieldPostings = Map<number, Map<number, number>>;

interface MiniSearchInternals {
  _index: { get(term: string): FieldPostings | undefined };
  _fieldIds: Record<string, number>;
  _fieldLength: Map<number, number[]>;
  _avgFieldLength: number[];
  _documentCount: number;
  _documentIds: Map<number, unknown>;
  _nextId: number;
}

function internalsOf(miniSearch: MiniSearch): MiniSearchInternals {
  const internals = miniSearch as unknown as MiniSearchInternals;
  const shaped =
    typeof internals._index?.get === 'function' &&
    internals._fieldLength instanceof Map &&
    Array.isArray(internals._avgFieldLength) &&
    internals._documentIds instanceof Map &&
    typeof internals._documentCount === 'number' &&
    typeof internals._nextId === 'number';
  if (!shaped) throw new Error('MiniSearch internals changed: src/search/scorer.ts must be updated for this version');
  return internals;
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

/** What a question's terms matched: the passages touched, with their scores, readable by short id. */
export interface Scoring {
  /** Short ids of the documents that hold any of the terms. */
  readonly touched: readonly number[];
  /** BM25 score of a touched document. */
  bm25(shortId: number): number;
  /** The question's words a touched document holds: idf-weighted at each word's best term weight, and counted. */
  holding(shortId: number): { readonly heldIdf: number; readonly wordsHeld: number };
  /** The passage index (the id the document was added with) of a short id. */
  passage(shortId: number): number;
}

export interface FieldWeight {
  readonly field: string;
  readonly boost: number;
}

/** A field's postings of one term as arrays: the form long lists are scored in. */
interface CompactPostings {
  readonly shortIds: Uint32Array;
  readonly frequencies: Float64Array;
}

/**
 * Postings at least this long are copied once into arrays, the first time a question uses the term: iterating a
 * Map costs several times more per entry, and long lists (common words) are where a question spends its time.
 */
const COMPACT_FROM = 256;

export class Bm25Scorer {
  private readonly compacted = new Map<FieldPostings, Map<number, CompactPostings>>();
  private readonly internals: MiniSearchInternals;
  /** Per field: the length of that field in each document, by short id. */
  private readonly lengths: Float64Array[];
  private readonly fields: ReadonlyArray<{ id: number; boost: number }>;
  /** Short id → the id the document was added with (the passage's index). */
  private readonly externalIds: Int32Array;
  private readonly scores: Float64Array;
  /** Which query last touched each document, so that arrays need no clearing between queries. */
  private readonly touchedBy: Float64Array;
  private masks: Uint32Array[] = [];
  private query = 0;

  constructor(
    miniSearch: MiniSearch,
    fields: readonly FieldWeight[],
    private readonly k1: number,
    private readonly b: number,
  ) {
    this.internals = internalsOf(miniSearch);
    const size = this.internals._nextId;
    this.fields = fields.map(({ field, boost }) => ({ id: this.internals._fieldIds[field] ?? -1, boost }));
    this.lengths = this.fields.map(({ id }) => {
      const lengths = new Float64Array(size);
      for (const [shortId, fieldLengths] of this.internals._fieldLength) lengths[shortId] = fieldLengths[id] ?? 0;
      return lengths;
    });
    this.externalIds = new Int32Array(size).fill(-1);
    for (const [shortId, id] of this.internals._documentIds) this.externalIds[shortId] = id as number;
    this.scores = new Float64Array(size);
    this.touchedBy = new Float64Array(size);
  }

  private compact(postings: FieldPostings, fieldId: number, frequencies: Map<number, number>): CompactPostings {
    let byField = this.compacted.get(postings);
    if (!byField) this.compacted.set(postings, (byField = new Map()));
    let compact = byField.get(fieldId);
    if (!compact) {
      compact = { shortIds: Uint32Array.from(frequencies.keys()), frequencies: Float64Array.from(frequencies.values()) };
      byField.set(fieldId, compact);
    }
    return compact;
  }

  /** Does any document hold the term, in any field? */
  has(term: string): boolean {
    return this.internals._index.get(term) !== undefined;
  }

  /**
   * Every document that holds any of the terms, with its BM25 score and what it holds of the question's words.
   * `terms` are distinct; a document's hold on a word is the best weight among that word's terms it holds.
   */
  score(terms: readonly ScoredTerm[], words: readonly ScoringWord[]): Scoring {
    const query = ++this.query;
    const { scores, touchedBy, k1, b } = this;
    const documentCount = this.internals._documentCount;
    const maskCount = Math.ceil(terms.length / 32);
    while (this.masks.length < maskCount) this.masks.push(new Uint32Array(this.scores.length));
    const touched: number[] = [];

    for (const [termIndex, { term, weight }] of terms.entries()) {
      const postings = this.internals._index.get(term);
      if (!postings) continue;
      const mask = this.masks[termIndex >>> 5] as Uint32Array;
      const bit = 1 << (termIndex & 31);
      for (const [fieldIndex, field] of this.fields.entries()) {
        const frequencies = postings.get(field.id);
        if (!frequencies) continue;
        const matching = frequencies.size;
        const idf = Math.log(1 + (documentCount - matching + 0.5) / (matching + 0.5));
        const factor = weight * field.boost * idf * (k1 + 1);
        const lengths = this.lengths[fieldIndex] as Float64Array;
        const averageLength = this.internals._avgFieldLength[field.id] || 1;
        const lengthWeight = (k1 * b) / averageLength;
        const base = k1 * (1 - b);
        const add = (shortId: number, frequency: number) => {
          if (touchedBy[shortId] !== query) {
            touchedBy[shortId] = query;
            scores[shortId] = 0;
            for (let m = 0; m < maskCount; m++) (this.masks[m] as Uint32Array)[shortId] = 0;
            touched.push(shortId);
          }
          scores[shortId] =
            (scores[shortId] as number) +
            (factor * frequency) / (frequency + base + lengthWeight * (lengths[shortId] as number));
          mask[shortId] = ((mask[shortId] as number) | bit) >>> 0;
        };
        if (matching >= COMPACT_FROM) {
          const compact = this.compact(postings, field.id, frequencies);
          for (let at = 0; at < compact.shortIds.length; at++) {
            add(compact.shortIds[at] as number, compact.frequencies[at] as number);
          }
        } else {
          for (const [shortId, frequency] of frequencies) add(shortId, frequency);
        }
      }
    }

    // What a document holds of the question depends only on which terms it matched: worked out once per pattern.
    const holdings = new Map<string | number, { heldIdf: number; wordsHeld: number }>();
    const holdingOf = (shortId: number) => {
      const key =
        maskCount === 1
          ? ((this.masks[0] as Uint32Array)[shortId] as number)
          : this.masks
              .slice(0, maskCount)
              .map((mask) => mask[shortId])
              .join(',');
      let holding = holdings.get(key);
      if (holding === undefined) {
        const best = new Float64Array(words.length);
        for (const [termIndex, { words: termWords }] of terms.entries()) {
          const held = ((this.masks[termIndex >>> 5] as Uint32Array)[shortId] as number) & (1 << (termIndex & 31));
          if (!held) continue;
          for (const { word, weight } of termWords) if (weight > (best[word] ?? 0)) best[word] = weight;
        }
        let heldIdf = 0;
        let wordsHeld = 0;
        for (const [word, weight] of best.entries()) {
          if (weight > 0) {
            heldIdf += weight * (words[word]?.idf ?? 0);
            wordsHeld++;
          }
        }
        holding = { heldIdf, wordsHeld };
        holdings.set(key, holding);
      }
      return holding;
    };

    return {
      touched,
      bm25: (shortId) => scores[shortId] as number,
      holding: holdingOf,
      passage: (shortId) => this.externalIds[shortId] as number,
    };
  }
}
