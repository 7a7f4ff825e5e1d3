/**
 * Sentence embeddings, behind an interface that ranking never looks past: another model replaces MiniLM by
 * implementing EmbeddingModel, and its vectors are stored apart from MiniLM's (they are keyed by the model's id).
 */

/** A loaded model: turns texts into unit-length vectors, on the thread that loaded it. */
export interface Embedder {
  /** One vector per text, in order, each of the model's dimensions and of length 1 (so a dot product is a cosine). */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
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
  /** URL of the module whose default export is this model: worker threads load their own copy from it. */
  readonly module: string;
  /** Reads the weights into memory. Each thread that embeds loads its own Embedder. */
  load(): Promise<Embedder>;
}

/** Cosine similarity of two unit-length vectors. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let at = 0; at < a.length; at++) sum += (a[at] as number) * (b[at] as number);
  return sum;
}
