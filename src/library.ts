import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Passage, Source, WebPageState } from './corpus/types.js';
import type { Answer, RankedPassage, SearchUsed, TextRange } from './answer/answer.js';
import { explainWith } from './answer/highlight.js';
import { refusalByMeaning, refusalByWords } from './answer/policy.js';
import { judge } from './answer/verdict.js';
import { withQuote } from './answer/quote.js';
import { loadFolder, SYNONYMS_FILE, decodeSourceText, type SourceOptions, type Warn } from './corpus/load.js';
import { readOriginal, type Original } from './corpus/original.js';
import { splitIntoPassages } from './corpus/passages.js';
import { learnAcronyms, parseSynonyms, type ExpansionGroup } from './search/expansions.js';
import { DEFAULT_INDEX_CACHE_DIR, IndexCache, type IndexedPassages } from './search/persist.js';
import { SearchIndex, type QueryPlan } from './search/search-index.js';
import type { FusionSettings, SearchMode } from './semantic/hybrid.js';
import { SemanticSearch, type SearchStatus, type SemanticOptions } from './semantic/semantic-search.js';
import { DEFAULT_VECTOR_CACHE_DIR } from './semantic/vector-store.js';

export interface OpenOptions {
  /** The folder of source documents. */
  readonly dataDir: string;
  /** Told about every file that was skipped or decoded with a fallback; the load goes on. */
  readonly warn?: Warn;
  /** Where text read from PDF, Word, HTML and Markdown files is cached, and how listed web pages are fetched. */
  readonly sources?: SourceOptions;
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

export interface AnswerOptions {
  /** How many ranked passages to return (default 5, at least 1). */
  readonly top?: number;
}

export const DEFAULT_TOP = 5;

/** Questions longer than this are cut before analysis: a pasted article still gets an answer, quickly. */
const MAX_QUESTION_CHARS = 2_000;

export async function readSynonyms(dataDir: string, warn: Warn): Promise<ExpansionGroup[]> {
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
export function indexPassages(sources: readonly Source[], synonyms: readonly ExpansionGroup[]): IndexedPassages {
  const passages = sources.flatMap((source) => splitIntoPassages(source));
  const acronyms = learnAcronyms(sources.map((source) => source.text));
  return { passages, index: new SearchIndex(passages, acronyms, synonyms) };
}

/** A ranked passage before its quote is chosen. */
type Explained = Omit<RankedPassage, 'quote' | 'quoteRange' | 'quoteLines'>;

/** How the CLI, the evaluation and the bot open a data folder: one place, so that they answer alike. */
export interface LibrarySettings {
  readonly dataDir: string;
  readonly mode: SearchMode;
  readonly fusion: FusionSettings;
  readonly warn: Warn;
  /** Hybrid only: told as passages are read for meaning. */
  readonly onProgress?: SemanticOptions['onProgress'];
  /** See OpenOptions.sources. */
  readonly sources?: SourceOptions;
}

/** A data folder opened with the persisted index and, in hybrid mode, the persisted passage vectors. */
export function openLibrary(settings: LibrarySettings): Promise<Library> {
  return Library.open({
    dataDir: settings.dataDir,
    warn: settings.warn,
    ...(settings.sources !== undefined && { sources: settings.sources }),
    cacheDir: DEFAULT_INDEX_CACHE_DIR,
    ...(settings.mode === 'hybrid' && {
      semantic: { fusion: settings.fusion, cacheDir: DEFAULT_VECTOR_CACHE_DIR, onProgress: settings.onProgress },
    }),
  });
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
    const { sources, unservedPages } = await loadFolder(dataDir, warn, options.sources);
    const synonyms = await readSynonyms(dataDir, warn);
    let built: IndexedPassages | undefined;
    if (options.cacheDir !== undefined) {
      const cache = new IndexCache(options.cacheDir, dataDir, sources, synonyms);
      built = await cache.load(warn);
      if (built === undefined) {
        built = indexPassages(sources, synonyms);
        await cache.save(built, warn);
      }
    }
    const library = new Library(dataDir, sources, synonyms, built);
    library.#unservedPages = unservedPages;
    library.#snapshotDir = options.sources?.webPages?.snapshotDir;
    if (options.semantic !== undefined) await library.startSemanticSearch(options.semantic, warn);
    return library;
  }

  readonly passages: readonly Passage[];
  readonly #index: SearchIndex;
  readonly #byId = new Map<string, Passage>();
  readonly #byFile = new Map<string, Passage[]>();
  readonly #sourceByFile: ReadonlyMap<string, Source>;
  /** Hybrid search, once started; it ranks only when its passage vectors are complete. */
  #semantic: SemanticSearch | undefined;
  /** Listed web pages that are not sources: nothing could be read of them (set by open). */
  #unservedPages: readonly WebPageState[] = [];
  /** Where listed web pages' snapshots are kept, when they were read (set by open). */
  #snapshotDir: string | undefined;

  constructor(
    readonly dataDir: string,
    readonly sources: readonly Source[],
    synonyms: readonly ExpansionGroup[] = [],
    /** The passages and their index, when read from the persisted index rather than built. */
    built: IndexedPassages = indexPassages(sources, synonyms),
  ) {
    this.passages = built.passages;
    for (const passage of this.passages) {
      this.#byId.set(passage.id, passage);
      const list = this.#byFile.get(passage.file) ?? [];
      list.push(passage);
      this.#byFile.set(passage.file, list);
    }
    this.#sourceByFile = new Map(sources.map((source) => [source.file, source]));
    this.#index = built.index;
  }

  /**
   * Starts hybrid search: reads the stored passage vectors and computes the missing ones in the background. Ranking
   * stays lexical until every passage has its vectors. Library.open calls it when given `semantic`.
   */
  async startSemanticSearch(options: SemanticOptions, warn: Warn = () => {}): Promise<void> {
    this.#semantic?.close();
    this.#semantic = await SemanticSearch.start(this.passages, this.dataDir, options, warn);
  }

  /** Back to ranking by words alone: benchmarks compare both rankings on one library. */
  stopSemanticSearch(): void {
    this.#semantic?.close();
    this.#semantic = undefined;
  }

  /** Lexical, or hybrid with how far its passage vectors are: for /sources, the CLI's progress bar and the log. */
  get searchStatus(): SearchStatus {
    return this.#semantic?.status ?? { mode: 'lexical' };
  }

  /** Resolves when ranking is hybrid (true), or when it will stay lexical (false). */
  async semanticSearchComplete(): Promise<boolean> {
    return (await this.#semantic?.complete) ?? false;
  }

  /** Stops computing passage vectors (a reload replaced this library); answering goes on as it was. */
  close(): void {
    this.#semantic?.close();
  }

  /**
   * How long reading a question asked now for meaning would take, in ms: 0 when ranking is lexical or the question was
   * asked lately, else more the more questions wait before it. The bot defers its reply when this is long.
   */
  questionWaitMs(question: string): number {
    return this.#semantic?.questionWaitMs(question.slice(0, MAX_QUESTION_CHARS)) ?? 0;
  }

  /**
   * The one way to ask: the ranked passages for a question, or an explicit "not in the sources" with the closest
   * passages as hints. Hybrid once every passage has been read for meaning (the question is read for meaning first,
   * in a worker thread), by words until then; the answer says which.
   */
  async answer(question: string, options: AnswerOptions = {}): Promise<Answer> {
    const top = Math.max(1, Math.floor(options.top ?? DEFAULT_TOP));
    const searched = question.slice(0, MAX_QUESTION_CHARS);
    const { ranking, hits, plan, hybrid } = await this.#search(searched, top);
    const search: SearchUsed = hybrid ? 'hybrid' : 'lexical';
    // Quoted once the verdict is known, each passage once: in hybrid search by the closeness of its sentences too.
    const results = ranking.map((hit) => {
      const explained = this.#explained(this.passages[hit.passage] as Passage, hit.score, plan);
      // A passage found by meaning alone holds none of the question's words: the sentence set apart is the closest
      // in meaning.
      if (!hybrid || explained.highlights.length > 0) return explained;
      return { ...explained, bestSentence: hybrid.closestSentence(hit.passage) };
    });
    if (plan.words.length === 0) {
      return { question, verdict: 'none', answered: false, reason: 'empty-question', search, results: [] };
    }
    const maxIdf = this.#index.maxIdf;
    const refusal = hybrid
      ? refusalByMeaning(hits[0], plan, hybrid.closeness, maxIdf)
      : refusalByWords(hits[0], plan, maxIdf);
    const rankOf = new Map(results.map((result, rank) => [result.id, rank]));
    const sentencesOf = (id: string) => hybrid?.sentenceSimilarities((ranking[rankOf.get(id) ?? 0] as { passage: number }).passage);
    const { verdict, chosen } = judge({
      question: searched,
      plan,
      texts: results.map((result) => result.text),
      refused: refusal !== undefined,
      closeness: hybrid?.closeness,
      unrelatedCeiling: hybrid?.unrelatedCeiling,
      similarities: hybrid && ((rank) => hybrid.sentenceSimilarities((ranking[rank] as { passage: number }).passage)),
    });
    // The passage whose focus answers comes first, even when the ranking put it second or third.
    const ordered = chosen === 0 ? results : [results[chosen] as Explained, ...results.filter((_, rank) => rank !== chosen)];
    // In hybrid search the quote is the focus closest in meaning as well as by words.
    const quoted = ordered.map((result) => withQuote(result, plan, sentencesOf(result.id)));
    const answered = verdict === 'answer';
    return {
      question,
      verdict,
      answered,
      ...(!answered && { reason: refusal ?? 'not-focused' }),
      search,
      results: quoted,
    };
  }

  /**
   * Ranked passages with scores only, for ranking at scale (benchmarks, documents ranked by their best passage): no
   * answer decision, highlights or best sentence. Hybrid or lexical as answer() is.
   */
  async rank(question: string, limit: number): Promise<Array<{ passage: Passage; score: number }>> {
    const { ranking } = await this.#search(question.slice(0, MAX_QUESTION_CHARS), limit);
    return ranking.map((hit) => ({ passage: this.passages[hit.passage] as Passage, score: hit.score }));
  }

  /** The first `limit` passages, hybrid when the passage vectors are complete; and the lexical hits. */
  async #search(searched: string, limit: number) {
    const semantic = this.#semantic?.ready === true ? this.#semantic : undefined;
    // The question is read for meaning in its worker thread while it is searched for by words here.
    const embedding = semantic?.embedQuestion(searched, (modelKnows) => this.#index.readableQuestion(searched, modelKnows));
    // Fusion weighs any passage by its lexical score, whether or not it is among the first the lexical ranking found:
    // every score is kept, since other questions may be searched while this one waits for its vector.
    const { hits, plan, scoreOf } = this.#index.search(searched, {
      limit: semantic === undefined ? limit : semantic.lexicalPassagesFor(limit),
      keepScores: semantic !== undefined,
    });
    const questionVector = await embedding;
    const hybrid =
      semantic !== undefined && questionVector !== undefined ? semantic.rank(hits, scoreOf, questionVector, limit) : undefined;
    return { ranking: hybrid ? hybrid.ranking.slice(0, limit) : hits, hits, plan, hybrid };
  }

  /** Autocomplete: passages for a question still being typed (the last word may be a prefix). Lexical and fast. */
  suggest(partialQuestion: string, limit = 25): RankedPassage[] {
    const { hits, plan } = this.#index.search(partialQuestion.slice(0, MAX_QUESTION_CHARS), {
      limit,
      prefixLastWord: true,
    });
    return hits.map((hit) => this.#toRanked(this.passages[hit.passage] as Passage, hit.score, plan));
  }

  /** Highlights and best sentence of any passage for a question (e.g. one chosen by id). */
  explain(passage: Passage, question: string): { highlights: readonly TextRange[]; bestSentence: TextRange } {
    return explainWith(passage.text, this.#index.plan(question.slice(0, MAX_QUESTION_CHARS)));
  }

  passage(id: string): Passage | undefined {
    return this.#byId.get(id);
  }

  /** The passage of `file` that covers `line`, or the nearest one after it (the last one past the end). */
  passageAtLine(file: string, line: number): Passage | undefined {
    const passages = this.#byFile.get(file) ?? [];
    return passages.find((passage) => passage.lines[1] >= line) ?? passages[passages.length - 1];
  }

  /** The passage with up to `radius` passages of the same source on each side, in source order. */
  neighbours(passage: Passage, radius = 1): Passage[] {
    const passages = this.#byFile.get(passage.file) ?? [];
    return passages.slice(Math.max(0, passage.ordinal - radius), passage.ordinal + radius + 1);
  }

  source(file: string): Source | undefined {
    return this.#sourceByFile.get(file);
  }

  passagesOf(file: string): readonly Passage[] {
    return this.#byFile.get(file) ?? [];
  }

  /**
   * Web pages listed in `*.urls` files that are not among the sources, each failing with why: never fetched, or
   * nothing could be read of their snapshot. (A failing page with a snapshot is a source, its state in `web`.)
   */
  get unservedPages(): readonly WebPageState[] {
    return this.#unservedPages;
  }

  /**
   * The file `source` was read from — the PDF or Word file itself, a web page's snapshot — while it is still the
   * version read; else `changed` (a reload will read it again). Never throws.
   */
  original(source: Source): Promise<Original> {
    return readOriginal(this.dataDir, source, this.#snapshotDir);
  }

  #toRanked(passage: Passage, score: number, plan: QueryPlan): RankedPassage {
    return withQuote(this.#explained(passage, score, plan), plan);
  }

  #explained(passage: Passage, score: number, plan: QueryPlan): Explained {
    return { ...passage, score, ...explainWith(passage.text, plan) };
  }
}
