import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Passage, Source } from './corpus/types.js';
import type { Answer, RankedPassage, TextRange } from './answer.js';
import { loadSources, SYNONYMS_FILE, decodeSourceText, type Warn } from './corpus/load.js';
import { splitIntoPassages, type PassageShape } from './corpus/passages.js';
import { sentenceRanges } from './corpus/sentences.js';
import { tokenize } from './search/analyzer.js';
import { learnAcronyms, parseSynonyms, type ExpansionGroup } from './search/expansions.js';
import { IndexCache, type IndexedPassages } from './search/persist.js';
import { SearchIndex, type Hit, type QueryPlan, type RankingOptions } from './search/search-index.js';

export interface OpenOptions {
  /** The folder of source documents. */
  readonly dataDir: string;
  /** Told about every file that was skipped or decoded with a fallback; the load goes on. */
  readonly warn?: Warn;
  /**
   * Where to keep the persisted index (see src/search/persist.ts): when set, the passages and index are read from it
   * if they were built from the same sources, else built and written to it. Unset: always built, nothing written.
   */
  readonly cacheDir?: string;
}

export interface AskOptions {
  /** How many ranked passages to return (default 5). */
  readonly top?: number;
}

/** Passage shape and ranking weights other than the defaults: for measuring alternatives, not for production. */
export interface Tuning {
  readonly passageShape?: PassageShape;
  readonly ranking?: RankingOptions;
}

export const DEFAULT_TOP = 5;

/**
 * Is the best passage an answer, or noise that merely shares a word with the question? It is an answer when it
 * (with its neighbours) holds every word of the question ("kerb crawlers"), or several of its words together:
 * two that carry much information, or three or more that carry a fair share of it. "What is the weather in London?"
 * finds London, but nothing about weather, and is not answered.
 */
export function isAnswer(hit: Hit | undefined, plan: QueryPlan, maxIdf: number): boolean {
  if (!hit) return false;
  if (hit.wordsHeld === plan.words.length) return true;
  if (hit.wordsHeld >= 3) return hit.coverage >= 0.15;
  return hit.wordsHeld === 2 && (hit.coverage >= 0.5 || hit.evidence >= maxIdf);
}

/** Questions longer than this are cut before analysis: a pasted article still gets an answer, quickly. */
export const MAX_QUESTION_CHARS = 2_000;

async function readSynonyms(dataDir: string, warn: Warn): Promise<ExpansionGroup[]> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path.join(dataDir, SYNONYMS_FILE));
  } catch {
    return [];
  }
  const { groups, problems } = parseSynonyms(decodeSourceText(bytes, SYNONYMS_FILE, warn));
  for (const problem of problems) warn(`${SYNONYMS_FILE} ${problem}`);
  return groups;
}

/** Cuts the sources into passages and indexes them: the slow part of opening a data folder. */
export function indexPassages(
  sources: readonly Source[],
  synonyms: readonly ExpansionGroup[],
  tuning: Tuning = {},
): IndexedPassages {
  const passages = sources.flatMap((source) => splitIntoPassages(source, tuning.passageShape));
  const acronyms = learnAcronyms(sources.map((source) => source.text));
  return { passages, index: new SearchIndex(passages, acronyms, synonyms, tuning.ranking) };
}

/**
 * The sources of one data folder, split into passages and indexed: everything the CLI and the bot ask of them.
 * Immutable once opened; a reload builds a new Library.
 */
export class Library {
  static async open(options: OpenOptions): Promise<Library> {
    const warn = options.warn ?? (() => {});
    const dataDir = path.resolve(options.dataDir);
    const sources = await loadSources(dataDir, warn);
    const synonyms = await readSynonyms(dataDir, warn);
    if (options.cacheDir === undefined) return new Library(dataDir, sources, synonyms);
    const cache = new IndexCache(options.cacheDir, dataDir, sources, synonyms);
    let built = await cache.load(warn);
    if (built === undefined) {
      built = indexPassages(sources, synonyms);
      await cache.save(built, warn);
    }
    return new Library(dataDir, sources, synonyms, {}, built);
  }

  readonly passages: readonly Passage[];
  private readonly index: SearchIndex;
  private readonly byId = new Map<string, Passage>();
  private readonly byFile = new Map<string, Passage[]>();
  private readonly sourceByFile: ReadonlyMap<string, Source>;

  constructor(
    readonly dataDir: string,
    readonly sources: readonly Source[],
    synonyms: readonly ExpansionGroup[] = [],
    tuning: Tuning = {},
    /** The passages and their index, when read from the persisted index rather than built. */
    built: IndexedPassages = indexPassages(sources, synonyms, tuning),
  ) {
    this.passages = built.passages;
    for (const passage of this.passages) {
      this.byId.set(passage.id, passage);
      const list = this.byFile.get(passage.file) ?? [];
      list.push(passage);
      this.byFile.set(passage.file, list);
    }
    this.sourceByFile = new Map(sources.map((source) => [source.file, source]));
    this.index = built.index;
  }

  /** The ranked passages for a question, or an explicit "not in the sources" with the closest passages as hints. */
  ask(question: string, options: AskOptions = {}): Answer {
    const top = Math.max(1, Math.floor(options.top ?? DEFAULT_TOP));
    const { hits, plan } = this.index.search(question.slice(0, MAX_QUESTION_CHARS), { limit: top });
    const results = hits.map((hit) => this.toRanked(this.passages[hit.passage] as Passage, hit.score, plan));
    if (plan.words.length === 0) return { question, answered: false, reason: 'empty-question', results: [] };
    if (!plan.words.some((word) => word.known)) return { question, answered: false, reason: 'no-known-words', results };
    if (!isAnswer(hits[0], plan, this.index.maxIdf)) {
      return { question, answered: false, reason: 'weak-match', results };
    }
    return { question, answered: true, results };
  }

  /**
   * Ranked passages with scores only, for ranking at scale (benchmarks, documents ranked by their best passage):
   * no answer decision, highlights or best sentence.
   */
  rank(question: string, limit: number): Array<{ passage: Passage; score: number }> {
    const { hits } = this.index.search(question.slice(0, MAX_QUESTION_CHARS), { limit });
    return hits.map((hit) => ({ passage: this.passages[hit.passage] as Passage, score: hit.score }));
  }

  /** Autocomplete: passages for a question still being typed (the last word may be a prefix). Lexical and fast. */
  suggest(partialQuestion: string, limit = 25): RankedPassage[] {
    const { hits, plan } = this.index.search(partialQuestion.slice(0, MAX_QUESTION_CHARS), {
      limit,
      prefixLastWord: true,
    });
    return hits.map((hit) => this.toRanked(this.passages[hit.passage] as Passage, hit.score, plan));
  }

  /** Highlights and best sentence of any passage for a question (e.g. one chosen by id). */
  explain(passage: Passage, question: string): { highlights: readonly TextRange[]; bestSentence: TextRange } {
    return explainWith(passage.text, this.index.plan(question.slice(0, MAX_QUESTION_CHARS)));
  }

  passage(id: string): Passage | undefined {
    return this.byId.get(id);
  }

  /** The passage of `file` that covers `line`, or the nearest one after it (the last one past the end). */
  passageAtLine(file: string, line: number): Passage | undefined {
    const passages = this.byFile.get(file) ?? [];
    return passages.find((passage) => passage.lines[1] >= line) ?? passages[passages.length - 1];
  }

  /** The passage with up to `radius` passages of the same source on each side, in source order. */
  neighbours(passage: Passage, radius = 1): Passage[] {
    const passages = this.byFile.get(passage.file) ?? [];
    return passages.slice(Math.max(0, passage.ordinal - radius), passage.ordinal + radius + 1);
  }

  source(file: string): Source | undefined {
    return this.sourceByFile.get(file);
  }

  passagesOf(file: string): readonly Passage[] {
    return this.byFile.get(file) ?? [];
  }

  private toRanked(passage: Passage, score: number, plan: QueryPlan): RankedPassage {
    return { ...passage, score, ...explainWith(passage.text, plan) };
  }
}

/** Words of `text` that the question searched for, and the sentence that holds the most of its information. */
function explainWith(text: string, plan: QueryPlan): { highlights: TextRange[]; bestSentence: TextRange } {
  const highlights: TextRange[] = [];
  const tokens = tokenize(text);
  for (const token of tokens) {
    if (token.terms.some((term) => plan.termWeights.has(term))) highlights.push([token.start, token.end]);
  }
  const sentences = sentenceRanges(text);
  let bestSentence: TextRange = sentences[0] ?? [0, text.length];
  let bestScore = 0;
  for (const sentence of sentences) {
    const held = new Set<string>();
    for (const token of tokens) {
      if (token.start >= sentence[0] && token.end <= sentence[1]) {
        for (const term of token.terms) if (plan.termWeights.has(term)) held.add(term);
      }
    }
    let score = 0;
    for (const term of held) score += plan.termWeights.get(term) ?? 0;
    if (score > bestScore) {
      bestScore = score;
      bestSentence = sentence;
    }
  }
  return { highlights, bestSentence };
}
