import type { TextRange } from '../answer/answer.js';
import type { Warn } from '../corpus/load.js';
import type { Passage } from '../corpus/types.js';
import type { EmbeddingModel } from './embedder.js';
import { DEFAULT_FUSION, fuse, FUSION_CANDIDATES, type FusionSettings, type ScoredPassage } from './hybrid.js';
import minilm from './minilm.js';
import { PassageVectors, type VectorProgress, type VectorSearch, type VectorState } from './passage-vectors.js';
import type { EngineReport } from './pool.js';
import { QuestionQueue } from './question-queue.js';
import { VectorStore } from './vector-store.js';

/**
 * How a library ranks at the moment: lexical, or hybrid with the state of its passage vectors and the engine that
 * embeds (once known).
 */
export type SearchStatus =
  | { readonly mode: 'lexical' }
  | {
      readonly mode: 'hybrid';
      readonly state: VectorState;
      readonly progress: VectorProgress;
      readonly engine?: EngineReport;
    };

export interface SemanticOptions {
  /** How the lexical and dense rankings are fused (default: DEFAULT_FUSION, src/semantic/hybrid.ts). */
  readonly fusion?: FusionSettings;
  /** The embedding model (default: all-MiniLM-L6-v2, src/semantic/minilm.ts). */
  readonly model?: EmbeddingModel;
  /**
   * Where passage vectors are persisted, one file per model and data folder, so that a restart or a reload reuses
   * every vector of an unchanged sentence. Unset: computed on every open and kept in memory only.
   */
  readonly cacheDir?: string;
  /** Worker threads that compute passage vectors (default: one per core, four at most). */
  readonly threads?: number;
  /** How a question's closest sentences are found (default `index`; see PassageVectorsOptions.search). */
  readonly search?: VectorSearch;
  /** Told as passage vectors are computed and once more when they are complete (or failed). */
  readonly onProgress?: (status: SearchStatus) => void;
}

/**
 * How close in meaning the sources' closest sentence is to a question, by the model's calibrated similarities:
 * `answers` from its answer floor, `on-subject` from its subject floor, `unrelated` under its unrelated ceiling,
 * `unsure` between.
 */
export type Closeness = 'answers' | 'on-subject' | 'unsure' | 'unrelated';

/** The fused ranking of a question, and how close in meaning the sources come to it. */
export interface HybridRanking {
  readonly ranking: ScoredPassage[];
  readonly closeness: Closeness;
  /** The model's similarity under which a sentence is not about the question (EmbeddingModel.unrelatedCeiling). */
  readonly unrelatedCeiling: number;
  /** A passage's sentence closest in meaning to the question, as a range of its text. */
  closestSentence(passage: number): TextRange;
  /** Each sentence of a passage with its similarity in meaning to the question. */
  sentenceSimilarities(passage: number): Array<{ sentence: TextRange; cosine: number }>;
}

/**
 * The semantic half of hybrid search for one library: its passage vectors, built in the background, and the fusion
 * of the dense ranking with the lexical one once they are complete.
 */
export class SemanticSearch {
  readonly #vectors: PassageVectors;
  readonly #questions: QuestionQueue;
  readonly #model: EmbeddingModel;
  readonly #fusion: FusionSettings;
  /** The words the model knows, once read (EmbeddingModel.words). */
  #modelWords: ReadonlySet<string> | undefined;

  private constructor(vectors: PassageVectors, model: EmbeddingModel, fusion: FusionSettings) {
    this.#vectors = vectors;
    this.#questions = new QuestionQueue(model, (report) => vectors.engineReported(report));
    this.#model = model;
    this.#fusion = fusion;
    // The model that reads questions is loaded once the passages are read, rather than by the first question asked.
    void vectors.complete.then((ready) => ready && this.#questions.warmUp());
  }

  /**
   * Reads the stored vectors of the passages and computes the missing ones in worker threads. Resolves once the
   * stored ones are read: ready at once when none was missing, else building in the background.
   */
  static async start(
    passages: readonly Passage[],
    dataDir: string,
    options: SemanticOptions,
    warn: Warn,
  ): Promise<SemanticSearch> {
    const model = options.model ?? minilm;
    const vectors = await PassageVectors.start(passages, {
      model,
      storeFile: options.cacheDir === undefined ? undefined : VectorStore.fileFor(options.cacheDir, model.id, dataDir),
      threads: options.threads,
      search: options.search,
      warn,
      onProgress: (progress, state, engine) => options.onProgress?.({ mode: 'hybrid', state, progress, engine }),
    });
    return new SemanticSearch(vectors, model, options.fusion ?? DEFAULT_FUSION);
  }

  get status(): SearchStatus {
    return { mode: 'hybrid', state: this.#vectors.state, progress: this.#vectors.progress, engine: this.#vectors.engine };
  }

  /** Every passage has its vectors: ranking is hybrid. */
  get ready(): boolean {
    return this.#vectors.state === 'ready';
  }

  /** Resolves when every passage has its vectors (true), or when that can no longer happen (false). */
  get complete(): Promise<boolean> {
    return this.#vectors.complete;
  }

  /** How long embedding a question asked now would take, in ms (0 while ranking is lexical): see QuestionQueue. */
  questionWaitMs(question: string): number {
    return this.ready ? this.#questions.waitMs(question) : 0;
  }

  /**
   * The question's vector once ranking is hybrid; undefined while passage vectors are still being computed.
   * `readable` rewrites the question for the model, given the words the model knows (SearchIndex.readableQuestion).
   * Once the model's words are read, the question is rewritten and sent to be embedded before this returns, so that
   * the caller can search by words meanwhile.
   */
  async embedQuestion(
    question: string,
    readable: (modelKnows: (word: string) => boolean) => string = () => question,
  ): Promise<Float32Array | undefined> {
    if (!this.ready) return undefined;
    return this.#questions.embed(question, () => {
      const known = this.#modelWords;
      if (known !== undefined) return readable((word) => known.has(word));
      return this.#model.words().then((words) => {
        this.#modelWords = words;
        return readable((word) => words.has(word));
      });
    });
  }

  /**
   * How many passages of the lexical ranking `rank` needs to rank `limit`: the first few when the fusion weighs any
   * other passage by its lexical score (interpolation), every one when it needs their ranks (RRF).
   */
  lexicalPassagesFor(limit: number): number {
    return this.#fusion.method === 'rrf' ? Infinity : Math.max(limit, FUSION_CANDIDATES);
  }

  /**
   * The passages ranked by both rankings, at least `limit` of them. `lexical` is the lexical ranking, best first: as
   * long as lexicalPassagesFor(limit) says when `lexicalScoreOf` gives the lexical score of any passage (0 for one it
   * did not find), else every passage it found. Undefined while passage vectors are still being computed.
   */
  rank(
    lexical: readonly ScoredPassage[],
    lexicalScoreOf: ((passage: number) => number) | undefined,
    questionVector: Float32Array,
    limit: number,
  ): HybridRanking | undefined {
    if (!this.ready) return undefined;
    const dense = this.#vectors.denseRanking(questionVector, Math.max(limit, FUSION_CANDIDATES));
    return {
      ranking: fuse(lexical, dense, this.#fusion, limit, lexicalScoreOf),
      closeness: closenessOf(dense.closest, this.#model),
      unrelatedCeiling: this.#model.unrelatedCeiling,
      closestSentence: (passage) => this.#vectors.closestSentence(passage, questionVector),
      sentenceSimilarities: (passage) => this.#vectors.sentenceSimilarities(passage, questionVector),
    };
  }

  /** Stops computing passage vectors (those computed so far stay persisted), and reading questions once none waits. */
  close(): void {
    this.#vectors.stop();
    this.#questions.stop();
  }
}

function closenessOf(similarity: number, model: EmbeddingModel): Closeness {
  if (similarity >= model.answerFloor) return 'answers';
  if (similarity >= model.subjectFloor) return 'on-subject';
  return similarity < model.unrelatedCeiling ? 'unrelated' : 'unsure';
}
