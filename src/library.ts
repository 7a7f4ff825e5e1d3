import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Passage, Source } from './corpus/types.js';
import type { Answer, RankedPassage, TextRange, UnansweredReason } from './answer.js';
import { loadSources, SYNONYMS_FILE, decodeSourceText, type Warn } from './corpus/load.js';
import { splitIntoPassages, type PassageShape } from './corpus/passages.js';
import { sentenceRanges } from './corpus/sentences.js';
import { tokenize } from './search/analyzer.js';
import { learnAcronyms, parseSynonyms, type ExpansionGroup } from './search/expansions.js';
import { IndexCache, type IndexedPassages } from './search/persist.js';
import { SearchIndex, type Hit, type QueryPlan, type RankingOptions } from './search/search-index.js';
import { SemanticSearch, type Closeness, type SearchStatus, type SemanticOptions } from './semantic/semantic-search.js';

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
  /**
   * Hybrid search (src/semantic/): passage vectors are computed in the background, and ranking turns from lexical to
   * hybrid once every passage has them. Unset: lexical search only.
   */
  readonly semantic?: SemanticOptions;
}

export interface AskOptions {
  /** How many ranked passages to return (default 5). */
  readonly top?: number;
  /**
   * The question's vector (from embedQuestion): ranking is hybrid when it is given and the passage vectors are
   * complete, lexical otherwise.
   */
  readonly questionVector?: Float32Array;
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
  if (holdsEveryWord(hit, plan)) return true;
  if (hit.wordsHeld >= 3) return hit.coverage >= 0.15;
  return hit.wordsHeld === 2 && (hit.coverage >= 0.5 || hit.evidence >= maxIdf);
}

function holdsEveryWord(hit: Hit | undefined, plan: QueryPlan): boolean {
  return hit !== undefined && hit.wordsHeld === plan.words.length;
}

/** Why a question is not answered by words alone (lexical ranking), or undefined when its best passage answers it. */
function refusalByWords(best: Hit | undefined, plan: QueryPlan, maxIdf: number): UnansweredReason | undefined {
  if (!plan.words.some((word) => word.known)) return 'no-known-words';
  return isAnswer(best, plan, maxIdf) ? undefined : 'weak-match';
}

/**
 * Why a question is not answered in hybrid ranking, or undefined when it is. A dense ranking always finds a closest
 * passage, so meaning and words vouch for each other: a sentence close enough in meaning answers alone; one on the
 * question's subject answers when the best passage holds at least one of its words (questions asked in other words);
 * and words the question shares with the sources answer as in lexical ranking, unless no sentence is anywhere near
 * it in meaning ("How do I change the oil in my car?" finds "change"). A passage that holds every word answers in any
 * case: names and rare terms embed poorly. Measured in bench/semantic.ts, on questions the seed sources answer and
 * ones they do not.
 */
function refusalByMeaning(
  best: Hit | undefined,
  plan: QueryPlan,
  closeness: Closeness,
  maxIdf: number,
): UnansweredReason | undefined {
  if (holdsEveryWord(best, plan) || closeness === 'answers') return undefined;
  if (closeness === 'on-subject' && best !== undefined && best.wordsHeld >= 1) return undefined;
  if (closeness === 'unrelated') return plan.words.some((word) => word.known) ? 'off-subject' : 'no-known-words';
  return refusalByWords(best, plan, maxIdf);
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
 * Its sources and passages are fixed once opened (a reload builds a new Library); in hybrid search, ranking turns
 * from lexical to hybrid once the passage vectors computed in the background are complete.
 */
export class Library {
  static async open(options: OpenOptions): Promise<Library> {
    const warn = options.warn ?? (() => {});
    const dataDir = path.resolve(options.dataDir);
    const sources = await loadSources(dataDir, warn);
    const synonyms = await readSynonyms(dataDir, warn);
    if (options.cacheDir === undefined) {
      return Library.searching(new Library(dataDir, sources, synonyms), options, warn);
    }
    const cache = new IndexCache(options.cacheDir, dataDir, sources, synonyms);
    let built = await cache.load(warn);
    if (built === undefined) {
      built = indexPassages(sources, synonyms);
      await cache.save(built, warn);
    }
    return Library.searching(new Library(dataDir, sources, synonyms, {}, built), options, warn);
  }

  /** The library, with hybrid search started when the options ask for it. */
  private static async searching(library: Library, options: OpenOptions, warn: Warn): Promise<Library> {
    if (options.semantic !== undefined) await library.startSemanticSearch(options.semantic, warn);
    return library;
  }

  readonly passages: readonly Passage[];
  private readonly index: SearchIndex;
  private readonly byId = new Map<string, Passage>();
  private readonly byFile = new Map<string, Passage[]>();
  private readonly sourceByFile: ReadonlyMap<string, Source>;
  /** Hybrid search, once started; it ranks only when its passage vectors are complete. */
  private semantic: SemanticSearch | undefined;

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

  /**
   * Starts hybrid search: reads the stored passage vectors and computes the missing ones in the background. Ranking
   * stays lexical until every passage has its vectors. Library.open calls it when given `semantic`.
   */
  async startSemanticSearch(options: SemanticOptions, warn: Warn = () => {}): Promise<void> {
    this.semantic?.close();
    this.semantic = await SemanticSearch.start(this.passages, this.dataDir, options, warn);
  }

  /** Lexical, or hybrid with how far its passage vectors are: for /sources, the CLI's progress bar and the log. */
  get searchStatus(): SearchStatus {
    return this.semantic?.status ?? { mode: 'lexical' };
  }

  /** Resolves when ranking is hybrid (true), or when it will stay lexical (false). */
  async semanticSearchComplete(): Promise<boolean> {
    return (await this.semantic?.complete) ?? false;
  }

  /** Stops computing passage vectors (a reload replaced this library); answering goes on as it was. */
  close(): void {
    this.semantic?.close();
  }

  /** The question's vector for ask(), once ranking is hybrid; undefined while it is lexical. */
  async embedQuestion(question: string): Promise<Float32Array | undefined> {
    const searched = question.slice(0, MAX_QUESTION_CHARS);
    return this.semantic?.embedQuestion(searched, (modelKnows) => this.index.readableQuestion(searched, modelKnows));
  }

  /**
   * How long embedQuestion() would take for a question asked now, in ms: 0 when ranking is lexical or the question was
   * asked lately, else more the more questions wait before it. The bot defers its reply when this is long.
   */
  questionWaitMs(question: string): number {
    return this.semantic?.questionWaitMs(question.slice(0, MAX_QUESTION_CHARS)) ?? 0;
  }

  /** ask(), hybrid when ready: the question is embedded first when the passage vectors are complete. */
  async answer(question: string, options: Omit<AskOptions, 'questionVector'> = {}): Promise<Answer> {
    return this.ask(question, { ...options, questionVector: await this.embedQuestion(question) });
  }

  /** The ranked passages for a question, or an explicit "not in the sources" with the closest passages as hints. */
  ask(question: string, options: AskOptions = {}): Answer {
    const top = Math.max(1, Math.floor(options.top ?? DEFAULT_TOP));
    const { ranking, hits, plan, hybrid } = this.search(question, top, options.questionVector);
    const results = ranking.map((hit) => {
      const ranked = this.toRanked(this.passages[hit.passage] as Passage, hit.score, plan);
      // A passage found by meaning alone holds none of the question's words: the sentence set apart is the closest
      // in meaning.
      if (!hybrid || ranked.highlights.length > 0) return ranked;
      return { ...ranked, bestSentence: hybrid.closestSentence(hit.passage) };
    });
    if (plan.words.length === 0) return { question, answered: false, reason: 'empty-question', results: [] };
    const maxIdf = this.index.maxIdf;
    const refusal = hybrid
      ? refusalByMeaning(hits[0], plan, hybrid.closeness, maxIdf)
      : refusalByWords(hits[0], plan, maxIdf);
    if (refusal !== undefined) return { question, answered: false, reason: refusal, results };
    return { question, answered: true, results };
  }

  /**
   * Ranked passages with scores only, for ranking at scale (benchmarks, documents ranked by their best passage):
   * no answer decision, highlights or best sentence. Hybrid when given the question's vector, as ask().
   */
  rank(question: string, limit: number, questionVector?: Float32Array): Array<{ passage: Passage; score: number }> {
    const { ranking } = this.search(question, limit, questionVector);
    return ranking.map((hit) => ({ passage: this.passages[hit.passage] as Passage, score: hit.score }));
  }

  /** The first `limit` passages, hybrid when the vector is given and the passage vectors complete; the lexical hits. */
  private search(question: string, limit: number, questionVector: Float32Array | undefined) {
    const searched = question.slice(0, MAX_QUESTION_CHARS);
    // Fusion weighs every passage the lexical ranking found, not only its first few.
    const fusing = questionVector !== undefined && this.semantic?.ready === true;
    const { hits, plan } = this.index.search(searched, { limit: fusing ? Infinity : limit });
    const hybrid = questionVector && this.semantic?.rank(hits, questionVector, limit);
    return { ranking: hybrid ? hybrid.ranking.slice(0, limit) : hits, hits, plan, hybrid };
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

/**
 * A passage's words and sentences, and which sentence each word stands in: the same for every question. Kept in a
 * few arrays rather than an object per word, so that keeping thousands of layouts costs the garbage collector little
 * (a layout made young survives the next scavenge and is copied: one per word made every scavenge slow).
 */
interface Layout {
  /** Each word's offsets in the passage, [start, end). */
  readonly starts: Uint32Array;
  readonly ends: Uint32Array;
  /** Each word's index terms: those of word i are terms[termStarts[i]] up to terms[termStarts[i + 1]]. */
  readonly terms: readonly string[];
  readonly termStarts: Uint32Array;
  readonly sentences: readonly TextRange[];
  /** For each word, the index of its sentence, or -1 between sentences. */
  readonly sentenceOf: Int32Array;
}

/** Layouts of recently shown passages: a question's top results are often the next question's too. */
const layouts = new Map<string, Layout>();
const LAYOUTS_KEPT = 2_048;

function layoutOf(text: string): Layout {
  let layout = layouts.get(text);
  if (layout === undefined) {
    const tokens = tokenize(text);
    const sentences = sentenceRanges(text);
    const starts = new Uint32Array(tokens.length);
    const ends = new Uint32Array(tokens.length);
    const termStarts = new Uint32Array(tokens.length + 1);
    const sentenceOf = new Int32Array(tokens.length).fill(-1);
    const terms: string[] = [];
    let sentence = 0;
    for (const [index, token] of tokens.entries()) {
      starts[index] = token.start;
      ends[index] = token.end;
      termStarts[index] = terms.length;
      terms.push(...token.terms);
      while (sentence < sentences.length && (sentences[sentence]?.[1] ?? 0) < token.end) sentence++;
      const range = sentences[sentence];
      if (range && token.start >= range[0]) sentenceOf[index] = sentence;
    }
    termStarts[tokens.length] = terms.length;
    layout = { starts, ends, terms, termStarts, sentences, sentenceOf };
    if (layouts.size >= LAYOUTS_KEPT) layouts.delete(layouts.keys().next().value as string);
  } else {
    layouts.delete(text);
  }
  layouts.set(text, layout);
  return layout;
}

/** Words of `text` that the question searched for, and the sentence that holds the most of its information. */
function explainWith(text: string, plan: QueryPlan): { highlights: TextRange[]; bestSentence: TextRange } {
  const { starts, ends, terms, termStarts, sentences, sentenceOf } = layoutOf(text);
  const highlights: TextRange[] = [];
  const heldBySentence = sentences.map(() => new Set<string>());
  for (let index = 0; index < starts.length; index++) {
    const held = heldBySentence[sentenceOf[index] ?? -1];
    let searched = false;
    for (let at = termStarts[index] as number; at < (termStarts[index + 1] as number); at++) {
      const term = terms[at] as string;
      if (!plan.termWeights.has(term)) continue;
      searched = true;
      held?.add(term);
    }
    if (searched) highlights.push([starts[index] as number, ends[index] as number]);
  }
  let bestSentence: TextRange = sentences[0] ?? [0, text.length];
  let bestScore = 0;
  for (const [index, held] of heldBySentence.entries()) {
    let score = 0;
    for (const term of held) score += plan.termWeights.get(term) ?? 0;
    if (score > bestScore) {
      bestScore = score;
      bestSentence = sentences[index] as TextRange;
    }
  }
  return { highlights, bestSentence };
}
