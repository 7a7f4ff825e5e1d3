/**
 * Sentence embeddings, behind an interface that ranking never looks past: another model replaces MiniLM by
 * implementing EmbeddingModel, and its vectors are stored apart from MiniLM's (they are keyed by the model's id).
 */

/** A loaded model: turns texts into unit-length vectors, on the thread that loaded it. */
export interface Embedder {
  /** One vector per text, in order, each of the model's dimensions and of length 1 (so a dot product is a cosine). */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  /** What computes the vectors, for the log: "ONNX Runtime 1.30.0 (CPU, 2 operator threads, …)". */
  readonly engine: string;
  /** Why the model's preferred engine could not run, when this embedder is its fallback. */
  readonly fallbackReason?: string;
}

export interface LoadOptions {
  /**
   * Operator threads the embedder may run at once (1 or more; default 1): a thread that embeds alone takes every
   * core, one of several takes its share.
   */
  readonly threads?: number;
}

export interface EmbeddingModel {
  /**
   * The model and the versions of everything that computes its vectors. Stored vectors are keyed by it: change it
   * whenever the same text could get another vector.
   */
  readonly id: string;
  readonly dimensions: number;
  /**
   * The similarity (a cosine, src/semantic/passage-vectors.ts) from which a passage answers a question by meaning
   * alone, even when they share too few words for the lexical evidence. Calibrated for each model on questions the
   * sources do and do not answer (bench/semantic.ts): high enough that no question off the sources' subject reaches it.
   */
  readonly answerFloor: number;
  /**
   * The similarity from which a passage is on the question's subject: with at least one of the question's words
   * found, it answers a question asked in other words ("pull a weapon" for "produced a knife"). Calibrated as
   * answerFloor is, below it: questions off the subject that share a word with the sources ("the weather in London")
   * stay under it.
   */
  readonly subjectFloor: number;
  /**
   * The similarity under which no sentence of the sources is about the question: a question that shares a few
   * common words with them ("How do I change the oil in my car?") is not answered, unless a passage holds every one
   * of its words (a name, a rare term: those embed poorly). Calibrated as answerFloor is.
   */
  readonly unrelatedCeiling: number;
  /**
   * The whole words the model's tokenizer knows. A question's word that neither the sources nor the model know is
   * taken for a typo and corrected before the question is embedded (SearchIndex.readableQuestion).
   */
  words(): Promise<ReadonlySet<string>>;
  /** URL of the module whose default export is this model: worker threads load their own copy from it. */
  readonly module: string;
  /** Reads the weights into memory. Each thread that embeds loads its own Embedder. */
  load(options?: LoadOptions): Promise<Embedder>;
}
