import MiniSearch, { type Query } from 'minisearch';
import type { Passage } from '../corpus/types.js';
import { analyze, tokenize } from './analyzer.js';
import { Expander, findByInitials, type AcronymKnowledge, type ExpansionGroup } from './expansions.js';
import { Vocabulary } from './spelling.js';

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
      if (isPrefix) add(token.word, 1);
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
    const lastWord = plan.words[plan.words.length - 1];
    const queries: Query[] = [];
    const weights = new Map<string, number>();
    for (const { term, weight } of plan.words.flatMap((word) => word.terms)) {
      weights.set(term, Math.max(weight, weights.get(term) ?? 0));
    }
    for (const [term, weight] of weights) {
      const prefix = options.prefixLastWord === true && lastWord !== undefined && term === lastWord.word;
      queries.push({ queries: [term], boostTerm: () => weight, prefix });
    }
    if (queries.length === 0) return { hits: [], plan };

    const results = this.miniSearch.search({ combineWith: 'OR', queries });
    const totalIdf = plan.words.reduce((sum, word) => sum + word.idf, 0);
    const hits = results.map((result) => {
      // Terms are searched one per subquery, so the query terms a result matched are the plan's own terms.
      const matched = result.queryTerms;
      let heldIdf = 0;
      let wordsHeld = 0;
      for (const word of plan.words) {
        let best = 0;
        for (const { term, weight } of word.terms) if (weight > best && matched.includes(term)) best = weight;
        heldIdf += best * word.idf;
        if (best > 0) wordsHeld++;
      }
      const coverage = totalIdf > 0 ? heldIdf / totalIdf : 0;
      // MiniSearch multiplies a score by the number of query terms matched, where an expansion would count as several
      // words: that factor is undone, and coverage, measured by words of the question, takes its place.
      const bm25 = result.score / Math.max(1, matched.length);
      return {
        passage: result.id as number,
        score: bm25 * (1 + this.ranking.coordination * coverage),
        coverage,
        evidence: heldIdf,
        wordsHeld,
      };
    });
    hits.sort((a, b) => b.score - a.score || a.passage - b.passage);
    return { hits: hits.slice(0, options.limit), plan };
  }
}
