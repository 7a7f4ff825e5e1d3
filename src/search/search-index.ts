import type { Passage } from '../corpus/types.js';
import { analyze, tokenize } from './analyzer.js';
import { Expander, findByInitials, type AcronymKnowledge, type ExpansionGroup } from './expansions.js';
import { editDistance, Vocabulary } from './spelling.js';
import { LRUCache } from 'lru-cache';
import MiniSearch from 'minisearch';
import { Bm25Scorer, invertedIndexFromMiniSearch, type InvertedIndex } from './scorer.js';
import { snapshotOf, structuresOf, type IndexStructures, type SearchIndexSnapshot } from './snapshot.js';
import { topByScore } from './top-k.js';

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
  readonly heldIdf: number;
  /** How many of the question's words this passage or its neighbours hold, spelt as asked or corrected. */
  readonly wordsHeld: number;
}

/**
 * The fields each passage is indexed in, by position in the index, which is also the order their scores are summed
 * in: its own text, its neighbouring passages' text (context), and its source's title.
 */
const TEXT = 0;
const CONTEXT = 1;
const TITLE = 2;
const FIELD_COUNT = 3;

/** One value per field, each at its field's position. */
function byField<T>(values: { readonly text: T; readonly context: T; readonly title: T }): T[] {
  const array = new Array<T>(FIELD_COUNT);
  array[TEXT] = values.text;
  array[CONTEXT] = values.context;
  array[TITLE] = values.title;
  return array;
}

/** How many of the sources' words the word being typed (autocomplete) stands for, at most: the most frequent. */
const MAX_COMPLETIONS = 8;
/** Weight of a completion of the word being typed, relative to a word typed in full. */
const COMPLETION_WEIGHT = 0.6;

/**
 * Questions are anyone's input: a cache keyed by what they hold keeps this many entries at most, dropping the least
 * recently used, so that a long-running bot's memory does not grow with every new word asked.
 */
const CACHED_PER_QUESTION_WORD = 4096;

/** A passage as MiniSearch indexes it: each field holds index terms, separated by spaces. */
interface IndexedDocument {
  readonly id: number;
  readonly text: string;
  readonly context: string;
  readonly title: string;
}

/** The fields in the order their scores are summed (TEXT, CONTEXT, TITLE). */
const FIELD_NAMES = ['text', 'context', 'title'] as const;

/** Analyzes the passages and indexes them with MiniSearch: each passage's text, its neighbours' text, its title. */
function buildStructures(passages: readonly Passage[]): IndexStructures {
  const terms = new Map<string, number>();
  const vocabulary = new Vocabulary();
  const documentFrequency: number[] = [];
  // Each passage is analyzed once; its neighbours' context and its title reuse the terms.
  const passageTerms = passages.map((passage) => {
    const found: string[] = [];
    for (const token of tokenize(passage.text)) {
      if (token.terms.length === 0) continue;
      vocabulary.add(token.word);
      found.push(...token.terms);
    }
    for (const term of new Set(found)) {
      let id = terms.get(term);
      if (id === undefined) {
        id = terms.size;
        terms.set(term, id);
      }
      documentFrequency[id] = (documentFrequency[id] ?? 0) + 1;
    }
    return found.join(' ');
  });
  const titleTerms = new Map<string, string>();
  const documents = passages.map((passage, id): IndexedDocument => {
    const neighbour = (other: number) => (passages[other]?.file === passage.file ? (passageTerms[other] ?? '') : '');
    let title = titleTerms.get(passage.title);
    if (title === undefined) {
      title = analyze(passage.title).join(' ');
      titleTerms.set(passage.title, title);
    }
    return { id, text: passageTerms[id] ?? '', context: `${neighbour(id - 1)} ${neighbour(id + 1)}`, title };
  });
  const miniSearch = new MiniSearch<IndexedDocument>({
    fields: [...FIELD_NAMES],
    storeFields: [],
    // Documents reach MiniSearch already analyzed, as terms separated by spaces: a term that holds a space (NFKC
    // makes some from a single ligature) counts as its parts.
    tokenize: (fieldTerms) => fieldTerms.split(' ').filter((term) => term !== ''),
    processTerm: (term) => term,
  });
  miniSearch.addAll(documents);
  const index = invertedIndexFromMiniSearch(miniSearch, FIELD_NAMES, terms);
  return {
    index,
    documentFrequency: Uint32Array.from({ length: index.terms.size }, (_, id) => documentFrequency[id] ?? 0),
    vocabulary,
  };
}

export class SearchIndex {
  readonly #index: InvertedIndex;
  readonly #documentFrequency: Uint32Array;
  readonly #vocabulary: Vocabulary;
  readonly #expander: Expander;
  /** Long forms by the acronym their initials spell (upper case), as written: questions bring the same ones again. */
  readonly #longFormsCache = new LRUCache<string, string[][]>({ max: CACHED_PER_QUESTION_WORD });
  /** The same long forms as index terms, by the acronym as the question's word holds it (lower case). */
  readonly #initialsCache = new LRUCache<string, string[][]>({ max: CACHED_PER_QUESTION_WORD });
  /** For each letter, the positions of the acronyms' names that hold a word starting with it; made on first use. */
  #namesByLetter: Map<string, number[]> | undefined;
  readonly #scorer: Bm25Scorer;
  /** Final scores of the passages a question touched (reused: a question would otherwise allocate one). */
  readonly #finalScores: Float64Array;
  /** The inverse document frequency of a term no passage holds: the most informative a word can be. */
  readonly maxIdf: number;

  readonly #acronyms: AcronymKnowledge;
  readonly #ranking: RankingOptions = DEFAULT_RANKING;

  /**
   * Indexes the passages, or takes the structures restoreIndex read back from a snapshot (`built`, which then stands
   * for the passages).
   */
  constructor(
    passages: readonly Passage[],
    acronyms: AcronymKnowledge,
    synonyms: readonly ExpansionGroup[] = [],
    built: IndexStructures = buildStructures(passages),
  ) {
    this.#acronyms = acronyms;
    const ranking = this.#ranking;
    ({ index: this.#index, documentFrequency: this.#documentFrequency, vocabulary: this.#vocabulary } = built);
    this.#expander = new Expander([...acronyms.groups, ...synonyms]);
    const boosts = byField({ text: 1, context: ranking.contextBoost, title: ranking.titleBoost });
    this.#scorer = new Bm25Scorer(this.#index, boosts, ranking.k1, ranking.b);
    this.#finalScores = new Float64Array(this.#index.documentCount);
    this.maxIdf = this.#idfOf(0);
  }

  /**
   * The index in its persisted form: everything built from the passages, with the acronyms learned from them. It
   * shares the index's arrays, to be written out at once, not changed.
   */
  snapshot(): SearchIndexSnapshot {
    const structures = { index: this.#index, documentFrequency: this.#documentFrequency, vocabulary: this.#vocabulary };
    return snapshotOf(structures, this.#acronyms);
  }

  /**
   * The index a snapshot was taken of, answering exactly as it did, given the synonyms it was built with (the
   * persisted index is keyed by them). Throws when the snapshot is of another format or not whole.
   */
  static restore(snapshot: SearchIndexSnapshot, synonyms: readonly ExpansionGroup[] = []): SearchIndex {
    const { structures, acronyms } = structuresOf(snapshot, FIELD_COUNT);
    return new SearchIndex([], acronyms, synonyms, structures);
  }

  #idfOf(documentFrequency: number): number {
    const count = this.#index.documentCount;
    return Math.log(1 + (count - documentFrequency + 0.5) / (documentFrequency + 0.5));
  }

  /** Does any passage or title hold the term? */
  #knows(term: string): boolean {
    const id = this.#index.termId(term);
    return id !== undefined && ((this.#documentFrequency[id] as number) > 0 || this.#index.postingCount(TITLE, id) > 0);
  }

  /** How many passages hold the term in their own text. */
  #frequencyOf(term: string): number {
    const id = this.#index.termId(term);
    return id === undefined ? 0 : (this.#documentFrequency[id] as number);
  }

  /** The long forms of an acronym the sources use but never define, by the initials of their names (WATW). */
  #namesByInitials(word: string): string[][] {
    let found = this.#initialsCache.get(word);
    if (found === undefined) {
      found = this.#longFormsByInitials(word.toUpperCase()).map((name) => analyze(name.join(' ')));
      this.#initialsCache.set(word, found);
    }
    return found;
  }

  /** The stretches of the sources' names whose initials spell the acronym (upper case), as written. */
  #longFormsByInitials(acronym: string): string[][] {
    let found = this.#longFormsCache.get(acronym);
    if (found === undefined) {
      found = findByInitials(this.#namesWithInitials(acronym), acronym);
      this.#longFormsCache.set(acronym, found);
    }
    return found;
  }

  /**
   * The acronyms' names, in order, less those that cannot spell `acronym`: a long form gives each of its letters by
   * a word's initial, so a name lacking a word that starts with one of them is passed over. Trying every name costs
   * milliseconds per acronym, and questions bring new ones all the time.
   */
  #namesWithInitials(acronym: string): ReadonlyArray<readonly string[]> {
    const { names } = this.#acronyms;
    if (this.#namesByLetter === undefined) {
      this.#namesByLetter = new Map();
      for (const [position, name] of names.entries()) {
        for (const initial of new Set(name.map((nameWord) => nameWord.toLowerCase()[0] ?? ''))) {
          const positions = this.#namesByLetter.get(initial) ?? [];
          positions.push(position);
          this.#namesByLetter.set(initial, positions);
        }
      }
    }
    // The letters as findByInitials matches them: UTF-16 code units, as it indexes strings.
    const letters = [...new Set(acronym.toLowerCase().replace(/&/g, '').split(''))];
    if (letters.length === 0) return names;
    const candidates = letters.map((letter) => this.#namesByLetter?.get(letter) ?? []);
    candidates.sort((a, b) => a.length - b.length);
    const [fewest = [], ...others] = candidates;
    const held = others.map((positions) => new Set(positions));
    return fewest
      .filter((position) => held.every((positions) => positions.has(position)))
      .map((position) => names[position] as readonly string[]);
  }

  /** Turns a question into weighted index terms: spelling corrected, acronyms and synonyms expanded. */
  plan(question: string, options: { prefixLastWord?: boolean } = {}): QueryPlan {
    const tokens = tokenize(question).filter((token) => token.terms.length > 0);
    // Phrases standing for what was asked (acronyms, synonyms) are searched too, each sharing one word's weight
    // among its terms, and count for the words they stand for.
    const expansionsOf = tokens.map(() => [] as WeightedTerm[]);
    for (const { start, length, phrase } of this.#expander.expand(tokens.map((token) => token.terms[0] ?? ''))) {
      const known = phrase.filter((term) => this.#knows(term));
      for (let index = start; index < start + length; index++) {
        for (const term of known) expansionsOf[index]?.push({ term, weight: this.#ranking.expansionWeight / phrase.length });
      }
    }

    const words: QueryWord[] = [];
    const lastIndex = tokens.length - 1;
    for (const [index, token] of tokens.entries()) {
      const terms = new Map<string, number>();
      const add = (term: string, weight: number) => terms.set(term, Math.max(weight, terms.get(term) ?? 0));
      const [whole, ...parts] = token.terms;
      if (whole !== undefined && this.#knows(whole)) add(whole, 1);
      for (const part of parts) if (this.#knows(part)) add(part, terms.size > 0 ? 0.5 : 1);
      const isPrefix = options.prefixLastWord === true && index === lastIndex;
      const original = question.slice(token.start, token.end);
      if (terms.size === 0 && !isPrefix && !/\d/.test(token.word)) {
        // A capitalised word inside the question is a name as the asker spells it ("Leeds"), not a typo.
        const isName = token.start > 0 && /^\p{Lu}/u.test(original);
        for (const correction of isName ? [] : this.#vocabulary.corrections(token.word)) {
          for (const term of tokenize(correction)[0]?.terms ?? []) add(term, this.#ranking.correctionWeight);
        }
        if (terms.size === 0 && /^\p{Lu}{2,8}s?$/u.test(original)) {
          for (const name of this.#namesByInitials(token.word.replace(/s$/, ''))) {
            for (const term of name) add(term, this.#ranking.expansionWeight / name.length);
          }
        }
      }
      if (isPrefix) {
        // The word being typed stands for the sources' most frequent words that start with it.
        for (const completion of this.#vocabulary.completions(token.word, MAX_COMPLETIONS)) {
          for (const term of tokenize(completion)[0]?.terms ?? []) add(term, completion === token.word ? 1 : COMPLETION_WEIGHT);
        }
      }
      for (const { term, weight } of expansionsOf[index] ?? []) add(term, weight);
      const known = terms.size > 0;
      const frequencies = [...terms.keys()].map((term) => this.#frequencyOf(term));
      const idf = known ? this.#idfOf(Math.max(...frequencies, 0) || 1) : this.maxIdf;
      words.push({ word: token.word, terms: [...terms].map(([term, weight]) => ({ term, weight })), idf, known });
    }

    const termWeights = new Map<string, number>();
    for (const word of words) {
      for (const { term, weight } of word.terms) {
        const weighted = weight * this.#idfOf(this.#frequencyOf(term));
        termWeights.set(term, Math.max(termWeights.get(term) ?? 0, weighted));
      }
    }
    return { words, termWeights };
  }

  /**
   * The first `limit` passages that hold any of the question's words, best first. With `keepScores`, also `scoreOf`:
   * the score of any passage (0 for one that holds none of them), ranked among the first or not.
   */
  search(
    question: string,
    options: { limit: number; prefixLastWord?: boolean; keepScores?: boolean },
  ): { hits: Hit[]; plan: QueryPlan; scoreOf?: (passage: number) => number } {
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
    if (terms.size === 0) return { hits: [], plan, ...(options.keepScores === true && { scoreOf: () => 0 }) };

    const totalIdf = plan.words.reduce((sum, word) => sum + word.idf, 0);
    const scoring = this.#scorer.score([...terms.values()], plan.words);
    const { touched, touchedCount, bm25, heldIdf } = scoring;
    const { coordination } = this.#ranking;
    const scores = this.#finalScores.subarray(0, touchedCount);
    for (let at = 0; at < touchedCount; at++) {
      const coverage = totalIdf > 0 ? (heldIdf[at] as number) / totalIdf : 0;
      scores[at] = (bm25[touched[at] as number] as number) * (1 + coordination * coverage);
    }
    const hits = topByScore(scores, touched, options.limit).map((at): Hit => {
      const passage = touched[at] as number;
      const { heldIdf, wordsHeld } = scoring.holding(passage);
      const coverage = totalIdf > 0 ? heldIdf / totalIdf : 0;
      return { passage, score: scores[at] as number, coverage, heldIdf, wordsHeld };
    });
    if (options.keepScores !== true) return { hits, plan };
    // Copied out of the scorer's arrays, which the next search reuses.
    const kept = new Float64Array(this.#finalScores.length);
    for (let at = 0; at < touchedCount; at++) kept[touched[at] as number] = scores[at] as number;
    return { hits, plan, scoreOf: (passage) => kept[passage] ?? 0 };
  }

  /**
   * The question as an embedding model should read it. Each word that neither the sources nor the model know
   * ("numbr", "chinatwon") is replaced by the sources' word one edit away, if there is one: the model would see only
   * meaningless pieces of it, where lexical search still finds it by its corrections. A word the model knows ("lads",
   * "mums") is left as asked, as are names, numbers and contractions. And an acronym whose long form the sources
   * hold, by its initials, in one way only, is followed by it ("ECOP (English Collective of Prostitutes)"): the
   * model knows the words, not what the sources abbreviate them to.
   */
  readableQuestion(question: string, modelKnows: (word: string) => boolean): string {
    let readable = '';
    let copiedUpTo = 0;
    const replace = (start: number, end: number, text: string) => {
      readable += question.slice(copiedUpTo, start) + text;
      copiedUpTo = end;
    };
    for (const token of tokenize(question)) {
      const original = question.slice(token.start, token.end);
      const acronym = /^(\p{Lu}{2,8})(?:['’]?s)?$/u.exec(original)?.[1];
      if (acronym !== undefined) {
        // Spelt the same but for case ("Women at the Well", "Women at The Well"), long forms are one: the first.
        const longForms = new Map<string, string>();
        for (const name of this.#longFormsByInitials(acronym)) {
          const spelt = name.join(' ');
          if (!longForms.has(spelt.toLowerCase())) longForms.set(spelt.toLowerCase(), spelt);
        }
        const [longForm, ...others] = longForms.values();
        if (longForm !== undefined && others.length === 0) replace(token.start, token.end, `${original} (${longForm})`);
        continue;
      }
      const isName = token.start > 0 && /^\p{Lu}/u.test(original);
      if (token.terms.length === 0 || token.terms.some((term) => this.#knows(term)) || isName) continue;
      if (!/^\p{L}+$/u.test(original) || modelKnows(token.word) || modelKnows(token.word.replace(/s$/, ''))) continue;
      const [correction] = this.#vocabulary.corrections(token.word, 1);
      if (correction !== undefined && editDistance(token.word, correction, 1) <= 1) {
        replace(token.start, token.end, correction);
      }
    }
    return readable + question.slice(copiedUpTo);
  }
}
