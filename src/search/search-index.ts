import MiniSearch from 'minisearch';
import type { Passage } from '../corpus/types.js';
import { analyze, tokenize } from './analyzer.js';
import { Expander, findByInitials, type AcronymKnowledge, type ExpansionGroup } from './expansions.js';
import { Vocabulary } from './spelling.js';
import { Bm25Scorer } from './scorer.js';

/**
 * How passages are ranked. Every weight here was chosen by measurement on public benchmarks and the project's
 * dev questions (see README, "How answers are found"): change them only with `npm run eval` and `npm run bench` at hand.
 */
export interface RankingOptions {
  /** BM25 term-frequency saturation. */
  readonly k1: number;
  /** BM25 length normalisation (0: none, 1: full). */
  readonly b: number;
  /**
   * Weight of the neighbouring passages' words. A speaker named in one paragraph and quoted in the next, or an
   * acronym defined above, still lends the passage its words, but below the passage's own.
   */
  readonly contextBoost: number;
  /** Weight of the source's title; kept low, since a title boost hurt on public benchmarks. */
  readonly titleBoost: number;
  /** Weight of a phrase that stands for a question's phrase (acronym, synonym), relative to the words asked. */
  readonly expansionWeight: number;
  /** Weight of a corrected spelling relative to a word spelt right. */
  readonly correctionWeight: number;
  /**
   * How much a passage gains for holding more of the question's information: the BM25 score is multiplied by
   * (1 + coordination × coverage). Rewards a passage that answers the whole question over one that repeats a part.
   */
  readonly coordination: number;
}

export const DEFAULT_RANKING: RankingOptions = {
  k1: 1.2,
  b: 0.5,
  contextBoost: 0.2,
  titleBoost: 0.2,
  expansionWeight: 0.6,
  correctionWeight: 0.8,
  coordination: 1,
};

/** One word of the question, and the index terms it is searched by. */
export interface QueryWord {
  /** As folded from the question. */
  readonly word: string;
  /** Index terms with their weights (1 for the word itself, less for corrections, parts, acronyms and synonyms). */
  readonly terms: readonly WeightedTerm[];
  /** How informative the word is: the inverse document frequency of its best term, or the highest when unknown. */
  readonly idf: number;
  /** False when neither the word nor any correction of it occurs in the sources. */
  readonly known: boolean;
}

export interface WeightedTerm {
  readonly term: string;
  readonly weight: number;
}

export interface QueryPlan {
  readonly words: readonly QueryWord[];
  /** Every term searched, with its weight × idf: what highlights and the best sentence are chosen by. */
  readonly termWeights: ReadonlyMap<string, number>;
}

export interface Hit {
  /** Index into the passages the index was built from. */
  readonly passage: number;
  readonly score: number;
  /** Share of the question's information (idf-weighted words) that this passage or its neighbours hold, 0–1. */
  readonly coverage: number;
  /** The question's information this passage or its neighbours hold: the idf of the words held, summed. */
  readonly evidence: number;
  /** How many of the question's words this passage or its neighbours hold, spelt as asked or corrected. */
  readonly wordsHeld: number;
}

/** A passage as MiniSearch indexes it: each field holds index terms, separated by spaces. */
interface IndexedDocument {
  readonly id: number;
  readonly text: string;
  readonly context: string;
  readonly title: string;
}

const FIELDS = ['text', 'context', 'title'] as const;

/** How many of the sources' words the word being typed (autocomplete) stands for, at most: the most frequent. */
const MAX_COMPLETIONS = 8;
/** Weight of a completion of the word being typed, relative to a word typed in full. */
const COMPLETION_WEIGHT = 0.6;

/** Analysis happens before MiniSearch sees a query, so terms reach it as they are. */
const passThrough = {
  tokenize: (text: string): string[] => [text],
  processTerm: (term: string): string => term,
};

export class SearchIndex {
  private readonly miniSearch: MiniSearch<IndexedDocument>;
  private readonly documentFrequency = new Map<string, number>();
  private readonly titleTerms = new Set<string>();
  private readonly vocabulary = new Vocabulary();
  private readonly expander: Expander;
  private readonly initialsCache = new Map<string, string[][]>();
  /** The inverse document frequency of a term no passage holds: the most informative a word can be. */
  readonly maxIdf: number;
  private bm25: Bm25Scorer | undefined;

  constructor(
    private readonly passages: readonly Passage[],
    private readonly acronyms: AcronymKnowledge,
    synonyms: readonly ExpansionGroup[] = [],
    private readonly ranking: RankingOptions = DEFAULT_RANKING,
  ) {
    this.expander = new Expander([...acronyms.groups, ...synonyms]);
    this.miniSearch = new MiniSearch<IndexedDocument>({
      fields: [...FIELDS],
      storeFields: [],
      // Documents reach MiniSearch already analyzed, as terms separated by spaces.
      tokenize: (terms) => terms.split(' ').filter((term) => term !== ''),
      processTerm: (term) => term,
      searchOptions: {
        ...passThrough,
        boost: { text: 1, context: ranking.contextBoost, title: ranking.titleBoost },
        // Classic BM25 (d = 0): MiniSearch's BM25+ default lifts long passages that merely mention a word.
        bm25: { k: ranking.k1, b: ranking.b, d: 0 },
      },
    });

    // Each passage is analyzed once; its neighbours' context and its title reuse the terms.
    const passageTerms = passages.map((passage) => {
      const terms: string[] = [];
      for (const token of tokenize(passage.text)) {
        if (token.terms.length === 0) continue;
        this.vocabulary.add(token.word);
        terms.push(...token.terms);
      }
      for (const term of new Set(terms)) {
        this.documentFrequency.set(term, (this.documentFrequency.get(term) ?? 0) + 1);
      }
      return terms.join(' ');
    });
    const titleTerms = new Map<string, string>();
    const documents: IndexedDocument[] = passages.map((passage, id) => {
      const neighbour = (other: number) => (passages[other]?.file === passage.file ? (passageTerms[other] ?? '') : '');
      let title = titleTerms.get(passage.title);
      if (title === undefined) {
        title = analyze(passage.title).join(' ');
        titleTerms.set(passage.title, title);
        for (const term of title.split(' ')) if (term !== '') this.titleTerms.add(term);
      }
      return { id, text: passageTerms[id] ?? '', context: `${neighbour(id - 1)} ${neighbour(id + 1)}`, title };
    });
    this.miniSearch.addAll(documents);
    this.maxIdf = this.idfOf(0);
  }

  private idfOf(documentFrequency: number): number {
    const count = this.passages.length;
    return Math.log(1 + (count - documentFrequency + 0.5) / (documentFrequency + 0.5));
  }

  /** Does any passage or title hold the term? */
  private knows(term: string): boolean {
    return this.documentFrequency.has(term) || this.titleTerms.has(term);
  }

  /** The long forms of an acronym the sources use but never define, by the initials of their names (WATW). */
  private namesByInitials(word: string): string[][] {
    let found = this.initialsCache.get(word);
    if (found === undefined) {
      found = findByInitials(this.acronyms.names, word.toUpperCase()).map((name) => analyze(name.join(' ')));
      this.initialsCache.set(word, found);
    }
    return found;
  }

  /** Turns a question into weighted index terms: spelling corrected, acronyms and synonyms expanded. */
  plan(question: string, options: { prefixLastWord?: boolean } = {}): QueryPlan {
    const tokens = tokenize(question).filter((token) => token.terms.length > 0);
    // Phrases standing for what was asked (acronyms, synonyms) are searched too, each sharing one word's weight
    // among its terms, and count for the words they stand for.
    const expansionsOf = tokens.map(() => [] as WeightedTerm[]);
    for (const { start, length, phrase } of this.expander.expand(tokens.map((token) => token.terms[0] ?? ''))) {
      const known = phrase.filter((term) => this.knows(term));
      for (let index = start; index < start + length; index++) {
        for (const term of known) expansionsOf[index]?.push({ term, weight: this.ranking.expansionWeight / phrase.length });
      }
    }

    const words: QueryWord[] = [];
    const lastIndex = tokens.length - 1;
    for (const [index, token] of tokens.entries()) {
      const terms = new Map<string, number>();
      const add = (term: string, weight: number) => terms.set(term, Math.max(weight, terms.get(term) ?? 0));
      const [whole, ...parts] = token.terms;
      if (whole !== undefined && this.knows(whole)) add(whole, 1);
      for (const part of parts) if (this.knows(part)) add(part, terms.size > 0 ? 0.5 : 1);
      const isPrefix = options.prefixLastWord === true && index === lastIndex;
      const original = question.slice(token.start, token.end);
      if (terms.size === 0 && !isPrefix && !/\d/.test(token.word)) {
        // A capitalised word inside the question is a name as the asker spells it ("Leeds"), not a typo.
        const isName = token.start > 0 && /^\p{Lu}/u.test(original);
        for (const correction of isName ? [] : this.vocabulary.corrections(token.word)) {
          for (const term of tokenize(correction)[0]?.terms ?? []) add(term, this.ranking.correctionWeight);
        }
        if (terms.size === 0 && /^\p{Lu}{2,8}s?$/u.test(original)) {
          for (const name of this.namesByInitials(token.word.replace(/s$/, ''))) {
            for (const term of name) add(term, this.ranking.expansionWeight / name.length);
          }
        }
      }
      if (isPrefix) {
        // The word being typed stands for the sources' most frequent words that start with it.
        for (const completion of this.vocabulary.completions(token.word, MAX_COMPLETIONS)) {
          for (const term of tokenize(completion)[0]?.terms ?? []) add(term, completion === token.word ? 1 : COMPLETION_WEIGHT);
        }
      }
      for (const { term, weight } of expansionsOf[index] ?? []) add(term, weight);
      const known = terms.size > 0;
      const frequencies = [...terms.keys()].map((term) => this.documentFrequency.get(term) ?? 0);
      const idf = known ? this.idfOf(Math.max(...frequencies, 0) || 1) : this.maxIdf;
      words.push({ word: token.word, terms: [...terms].map(([term, weight]) => ({ term, weight })), idf, known });
    }

    const termWeights = new Map<string, number>();
    for (const word of words) {
      for (const { term, weight } of word.terms) {
        const weighted = weight * this.idfOf(this.documentFrequency.get(term) ?? 0);
        termWeights.set(term, Math.max(termWeights.get(term) ?? 0, weighted));
      }
    }
    return { words, termWeights };
  }

  search(question: string, options: { limit: number; prefixLastWord?: boolean }): { hits: Hit[]; plan: QueryPlan } {
    const plan = this.plan(question, options);
    // Each distinct term is scored once, at its highest weight, and counts for every word it stands for.
    const terms = new Map<string, { term: string; weight: number; words: Array<{ word: number; weight: number }> }>();
    for (const [word, { terms: wordTerms }] of plan.words.entries()) {
      for (const { term, weight } of wordTerms) {
        const entry = terms.get(term) ?? { term, weight: 0, words: [] };
        entry.weight = Math.max(entry.weight, weight);
        entry.words.push({ word, weight });
        terms.set(term, entry);
      }
    }
    if (terms.size === 0) return { hits: [], plan };

    const totalIdf = plan.words.reduce((sum, word) => sum + word.idf, 0);
    const scoring = this.scorer.score([...terms.values()], plan.words);
    const coverageOf = (shortId: number) => (totalIdf > 0 ? scoring.holding(shortId).heldIdf / totalIdf : 0);
    const { touched } = scoring;
    const scores = new Float64Array(touched.length);
    touched.forEach((shortId, at) => {
      scores[at] = scoring.bm25(shortId) * (1 + this.ranking.coordination * coverageOf(shortId));
    });
    const best = topByScore(scores, (at) => scoring.passage(touched[at] as number), options.limit);
    const hits = best.map((at) => {
      const shortId = touched[at] as number;
      const { heldIdf, wordsHeld } = scoring.holding(shortId);
      return {
        passage: scoring.passage(shortId),
        score: scores[at] as number,
        coverage: coverageOf(shortId),
        evidence: heldIdf,
        wordsHeld,
      };
    });
    return { hits, plan };
  }

  /** Made on first use, from whichever MiniSearch the index holds (built here, or read back from a persisted one). */
  private get scorer(): Bm25Scorer {
    this.bm25 ??= new Bm25Scorer(
      this.miniSearch,
      [
        { field: 'text', boost: 1 },
        { field: 'context', boost: this.ranking.contextBoost },
        { field: 'title', boost: this.ranking.titleBoost },
      ],
      this.ranking.k1,
      this.ranking.b,
    );
    return this.bm25;
  }
}

/**
 * Positions of the `limit` highest scores, best first (ties: source order), without sorting every passage that
 * matched a word: a min-heap keeps the best so far, its root the worst of them, the one a better score replaces.
 */
function topByScore(scores: Float64Array, orderOf: (at: number) => number, limit: number): number[] {
  const better = (a: number, b: number) => {
    const difference = (scores[a] as number) - (scores[b] as number);
    return difference > 0 || (difference === 0 && orderOf(a) < orderOf(b));
  };
  const byRank = (a: number, b: number) => (better(a, b) ? -1 : better(b, a) ? 1 : 0);
  if (scores.length <= limit * 4) return Array.from(scores.keys()).sort(byRank).slice(0, limit);
  const heap: number[] = [];
  const swap = (i: number, j: number) => ([heap[i], heap[j]] = [heap[j] as number, heap[i] as number]);
  for (let at = 0; at < scores.length; at++) {
    if (heap.length < limit) {
      heap.push(at);
      for (let child = heap.length - 1; child > 0; ) {
        const parent = (child - 1) >> 1;
        if (!better(heap[parent] as number, heap[child] as number)) break;
        swap(child, parent);
        child = parent;
      }
    } else if (limit > 0 && better(at, heap[0] as number)) {
      heap[0] = at;
      for (let node = 0; ; ) {
        const left = 2 * node + 1;
        const right = left + 1;
        let worst = node;
        if (left < heap.length && better(heap[worst] as number, heap[left] as number)) worst = left;
        if (right < heap.length && better(heap[worst] as number, heap[right] as number)) worst = right;
        if (worst === node) break;
        swap(node, worst);
        node = worst;
      }
    }
  }
  return heap.sort(byRank);
}
