import type { TextRange } from '../answer.js';
import type { Warn } from '../corpus/load.js';
import type { Passage } from '../corpus/types.js';
import type { EmbeddingModel } from './embedder.js';
import { DEFAULT_FUSION, fuse, type FusionSettings, type ScoredPassage } from './hybrid.js';
import minilm from './minilm.js';
import { PassageVectors, type VectorProgress, type VectorState } from './passage-vectors.js';
import { VectorStore } from './vector-store.js';

/** How a library ranks at the moment: lexical, or hybrid with the state of its passage vectors. */
export type SearchStatus =
  | { readonly mode: 'lexical' }
  | { readonly mode: 'hybrid'; readonly state: VectorState; readonly progress: VectorProgress };

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
  /** Told as passage vectors are computed and once more when they are complete (or failed). */
  readonly onProgress?: (status: SearchStatus) => void;
}

/** The fused ranking of a question, and whether its meaning alone makes the best passage an answer. */
export interface HybridRanking {
  readonly ranking: ScoredPassage[];
  /** The closest sentence of any passage is at least as close as the model's answer floor. */
  readonly answersByMeaning: boolean;
  /** A passage's sentence closest in meaning to the question, as a range of its text. */
  closestSentence(passage: number): TextRange;
}

/**
 * The semantic half of hybrid search for one library: its passage vectors, built in the background, and the fusion
 * of the dense ranking with the lexical one once they are complete.
 */
export class SemanticSearch {
  private constructor(
    private readonly vectors: PassageVectors,
    private readonly model: EmbeddingModel,
    private readonly fusion: FusionSettings,
  ) {}

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
      warn,
      onProgress: (progress, state) => options.onProgress?.({ mode: 'hybrid', state, progress }),
    });
    return new SemanticSearch(vectors, model, options.fusion ?? DEFAULT_FUSION);
  }

  get status(): SearchStatus {
    return { mode: 'hybrid', state: this.vectors.state, progress: this.vectors.progress };
  }

  /** Every passage has its vectors: ranking is hybrid. */
  get ready(): boolean {
    return this.vectors.state === 'ready';
  }

  /** Resolves when every passage has its vectors (true), or when that can no longer happen (false). */
  get complete(): Promise<boolean> {
    return this.vectors.complete;
  }

  /** The question's vector once ranking is hybrid; undefined while passage vectors are still being computed. */
  async embedQuestion(question: string): Promise<Float32Array | undefined> {
    return this.ready ? this.vectors.embedQuestion(question) : undefined;
  }

  /**
   * The passages ranked by both rankings, at least `limit` of them. `lexical` is every passage the lexical ranking
   * found, best first. Undefined while passage vectors are still being computed.
   */
  rank(lexical: readonly ScoredPassage[], questionVector: Float32Array, limit: number): HybridRanking | undefined {
    if (!this.ready) return undefined;
    const similarities = this.vectors.similarities(questionVector);
    const closest = similarities.reduce((best, similarity) => Math.max(best, similarity), -1);
    return {
      ranking: fuse(lexical, similarities, this.fusion, limit),
      answersByMeaning: closest >= this.model.answerFloor,
      closestSentence: (passage) => this.vectors.closestSentence(passage, questionVector),
    };
  }

  /** Stops computing passage vectors; those computed so far stay persisted. */
  close(): void {
    this.vectors.stop();
  }
}
