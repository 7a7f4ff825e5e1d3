import type { TextRange } from '../answer/answer.js';
import type { Warn } from '../corpus/load.js';
import type { Passage } from '../corpus/types.js';
import { sentenceRanges } from '../corpus/sentences.js';
import { availableParallelism } from 'node:os';
import type { EmbeddingModel } from './embedder.js';
import type { DenseRanking } from './hybrid.js';
import { embedInWorkers, type EngineReport } from './pool.js';
import { indexKey, VectorIndex } from './vector-index.js';
import { textKey, VectorStore } from './vector-store.js';

/** How a question's closest sentences are found (PassageVectorsOptions.search). */
export type VectorSearch = 'index' | 'scan';

/** How far the passage vectors are. */
export interface VectorProgress {
  readonly passages: number;
  /** Passages whose every vector is known, stored or computed. */
  readonly passagesDone: number;
  /** Passages that already had their vectors in the store when the build began. */
  readonly passagesStored: number;
  /** When the build began (performance.now()). */
  readonly startedAt: number;
}

export type VectorState =
  /** Vectors are being computed; ranking is lexical meanwhile. */
  | 'building'
  /** Every passage has its vectors; ranking is hybrid. */
  | 'ready'
  /** Computing them failed (the reason was warned about); ranking stays lexical. */
  | 'failed'
  /** Stopped before they were complete (the library was closed); ranking stays lexical. */
  | 'stopped';

export interface PassageVectorsOptions {
  readonly model: EmbeddingModel;
  /**
   * The file vectors are persisted in and reused from, and their index beside it (`<file>.index`); unset: computed
   * afresh and kept in memory only.
   */
  readonly storeFile?: string;
  /** Worker threads that compute vectors (default: see src/semantic/pool.ts). */
  readonly threads?: number;
  /**
   * How a question's closest sentences are found: `index`, through the vector index (default); `scan`, by comparing
   * every sentence, exact but slower in proportion to the corpus (for measuring the index against).
   */
  readonly search?: VectorSearch;
  /**
   * Told as passages get their vectors (once a batch), once more at the end, and when the engine that embeds is first
   * known (`engine`, once a worker thread has loaded the model).
   */
  readonly onProgress?: (progress: VectorProgress, state: VectorState, engine: EngineReport | undefined) => void;
  readonly warn?: Warn;
}

/**
 * The share of a passage's similarity that its second-closest sentence makes (the closest makes the rest): a passage
 * with two sentences on the question ranks above one with a single sentence as close. Measured on SciFact train and
 * NFCorpus dev with the default fusion: +0.002 nDCG@10 on each over the closest sentence alone, and two more dev
 * questions answered first.
 */
const SECOND_SENTENCE_SHARE = 0.2;

/**
 * Sentences fetched from the vector index per passage wanted, at first: a passage's sentences often come up together.
 */
const ROWS_PER_PASSAGE = 2;

/**
 * The first passages of a dense ranking that are exactly those a scan of every sentence would rank first: more
 * sentences are fetched until no passage left out could rank among them. Past them, the ranking holds the passages
 * the fetched sentences belong to, each scored exactly; fusion scores any other passage it weighs exactly too.
 */
const EXACT_PASSAGES = 10;

/**
 * The dot product of the row of `rows` that starts at `offset` and `vector` (as long as the row). Four sums run side by
 * side, so that each addition need not wait for the one before: a question compares hundreds of rows. Each product of
 * two float32 numbers is exact in a float64, so the order of the sums changes the result by no more than rounding
 * in the sixteenth digit.
 */
function dotProduct(rows: Float32Array, offset: number, vector: Float32Array): number {
  const length = vector.length;
  let sum0 = 0;
  let sum1 = 0;
  let sum2 = 0;
  let sum3 = 0;
  let at = 0;
  for (; at + 3 < length; at += 4) {
    sum0 += (rows[offset + at] as number) * (vector[at] as number);
    sum1 += (rows[offset + at + 1] as number) * (vector[at + 1] as number);
    sum2 += (rows[offset + at + 2] as number) * (vector[at + 2] as number);
    sum3 += (rows[offset + at + 3] as number) * (vector[at + 3] as number);
  }
  for (; at < length; at++) sum0 += (rows[offset + at] as number) * (vector[at] as number);
  return sum0 + sum1 + sum2 + sum3;
}

/**
 * Texts to embed are handed to the workers in runs of this many, each run sorted by its texts' sizes. The model pads
 * every text of a batch to the batch's longest, so texts of about the same size batched together waste less of its
 * time on padding (a fifth of it, unsorted; measured on SciFact); runs rather than one sort of every text, so that
 * passages still complete, and the progress shown still moves, run by run.
 */
const SIZE_SORTED_RUN = 1024;

/**
 * About how many word pieces the model reads a text as: its runs of letters, runs of digits, and other marks. A
 * rare word is several pieces, so this is low for those, but it orders texts by size much as their tokens do, without
 * running the tokenizer on the thread that answers.
 */
export function wordPieceEstimate(text: string): number {
  return text.match(/\p{L}+|\p{N}+|[^\s\p{L}\p{N}]/gu)?.length ?? 0;
}

/** The items in runs of `run`, each run sorted by its items' sizes, smallest first. */
export function inSizeSortedRuns<T>(items: readonly T[], sizeOf: (item: T) => number, run = SIZE_SORTED_RUN): T[] {
  const sorted: T[] = [];
  for (let first = 0; first < items.length; first += run) {
    const sized = items.slice(first, first + run).map((item) => ({ item, size: sizeOf(item) }));
    sorted.push(...sized.sort((a, b) => a.size - b.size).map(({ item }) => item));
  }
  return sorted;
}

/** A text a passage is embedded as, and the sentence it lies in (a range of the passage's text). */
interface Segment {
  readonly text: string;
  readonly sentence: TextRange;
}

/**
 * The longest text embedded whole, in words. A longer sentence (a letter's 80-word sentence with "supporting half the
 * women to access basic primary care" in a parenthesis) is embedded whole and also in windows of this many words,
 * each overlapping the next by half: the model averages over every word, and one clause of a long sentence is lost in
 * the average. Measured on the seed questions and BEIR (bench/semantic.ts): 32 beat 24 and 40.
 */
const WINDOW_WORDS = 32;

/**
 * The texts a passage is embedded as: its sentences, and windows of its long sentences. The model was trained on
 * sentence pairs, and a passage's sentence closest to the question says more than the blur of a whole paragraph
 * (measured: bench/semantic.ts).
 */
function segmentsOf(passage: Passage): Segment[] {
  const segments: Segment[] = [];
  for (const sentence of sentenceRanges(passage.text)) {
    const text = passage.text.slice(...sentence);
    segments.push({ text, sentence });
    const words = [...text.matchAll(/\S+/g)].map((match) => ({ start: match.index, end: match.index + match[0].length }));
    if (words.length <= WINDOW_WORDS) continue;
    const stride = WINDOW_WORDS / 2;
    for (let first = 0; first + stride < words.length; first += stride) {
      // The last window ends with the sentence, so that no window is shorter than the others.
      const start = Math.min(first, words.length - WINDOW_WORDS);
      const from = (words[start] as { start: number }).start;
      const to = (words[start + WINDOW_WORDS - 1] as { end: number }).end;
      segments.push({ text: text.slice(from, to), sentence });
    }
  }
  return segments;
}

/**
 * Embeddings of a library's passages, computed in worker threads in the background and persisted, and the dense
 * ranking they give: a passage's similarity to a question is mostly that of its closest sentence.
 */
export class PassageVectors {
  /** Resolves when every passage has its vectors (true), or when that can no longer happen (false). */
  readonly complete: Promise<boolean>;
  #stateNow: VectorState = 'building';
  #progressNow: VectorProgress;
  /** One row of `dimensions` numbers per segment, the segments of passage 0 first. */
  readonly #rows: Float32Array;
  /** Passage p's segments are rows firstRow[p] up to firstRow[p + 1]. */
  readonly #firstRow: Uint32Array;
  /** The sentence each row's text lies in: a long sentence is embedded as several overlapping windows. */
  readonly #sentenceOfRow: readonly TextRange[];
  readonly #abort = new AbortController();

  readonly #passages: readonly Passage[];
  readonly #options: PassageVectorsOptions;
  /** The row of each text's vector, by the text's index key: a text found in several rows is indexed once. */
  readonly #rowOfKey = new Map<bigint, number>();
  /** The next row with the same text as this one (-1 for none): the rows an indexed vector stands for. */
  readonly #nextRowOfText: Int32Array;
  readonly #passageOfRow: Uint32Array;
  /** The index of the rows' vectors, once they are complete; undefined where usearch cannot load (a scan instead). */
  #index: VectorIndex | undefined;
  /** The engine that embeds, once a worker thread has said (EngineReport). */
  #engine: EngineReport | undefined;

  private constructor(
    passages: readonly Passage[],
    options: PassageVectorsOptions,
    store: VectorStore,
  ) {
    this.#passages = passages;

    this.#options = options;
    const segments = passages.map(segmentsOf);
    this.#firstRow = new Uint32Array(passages.length + 1);
    for (const [index, texts] of segments.entries()) {
      this.#firstRow[index + 1] = (this.#firstRow[index] as number) + texts.length;
    }
    this.#sentenceOfRow = segments.flatMap((texts) => texts.map((segment) => segment.sentence));
    this.#rows = new Float32Array((this.#firstRow[passages.length] as number) * options.model.dimensions);

    // The keys of every text the passages are embedded as: the store keeps these and drops the rest.
    const liveKeys = new Set<string>();
    // Rows of each text not yet known, by the text's key: a text found in several passages is embedded once.
    const pending = new Map<string, { text: string; rows: number[] }>();
    const missingRows = new Uint32Array(passages.length);
    const passageOfRow = new Uint32Array(this.#firstRow[passages.length] as number);
    this.#passageOfRow = passageOfRow;
    this.#nextRowOfText = new Int32Array(passageOfRow.length).fill(-1);
    const lastRowOfKey = new Map<bigint, number>();
    for (const [index, texts] of segments.entries()) {
      for (const [offset, { text }] of texts.entries()) {
        const row = (this.#firstRow[index] as number) + offset;
        passageOfRow[row] = index;
        const key = textKey(text);
        liveKeys.add(key);
        const keyInIndex = indexKey(key);
        const last = lastRowOfKey.get(keyInIndex);
        if (last === undefined) this.#rowOfKey.set(keyInIndex, row);
        else this.#nextRowOfText[last] = row;
        lastRowOfKey.set(keyInIndex, row);
        const stored = store.get(key);
        if (stored !== undefined) {
          this.#rows.set(stored, row * options.model.dimensions);
          continue;
        }
        missingRows[index] = (missingRows[index] as number) + 1;
        const entry = pending.get(key) ?? { text, rows: [] };
        entry.rows.push(row);
        pending.set(key, entry);
      }
    }
    const passagesStored = missingRows.filter((missing) => missing === 0).length;
    this.#progressNow = {
      passages: passages.length,
      passagesDone: passagesStored,
      passagesStored,
      startedAt: performance.now(),
    };
    // The store is the build's alone: once the vectors are complete, only `rows` holds them.
    const inOrder = inSizeSortedRuns([...pending.entries()], ([, entry]) => wordPieceEstimate(entry.text));
    this.complete = this.#build(store, liveKeys, inOrder, missingRows, passageOfRow);
  }

  /**
   * Reads the stored vectors, and starts computing the missing ones in the background. When every passage's vectors
   * were stored, the vectors are complete (and ranking hybrid) at once.
   */
  static async start(passages: readonly Passage[], options: PassageVectorsOptions): Promise<PassageVectors> {
    const { model, storeFile, warn } = options;
    const store = await VectorStore.open(storeFile, model.id, model.dimensions, warn);
    const vectors = new PassageVectors(passages, options, store);
    // With nothing missing, the build ends at once: waiting for it makes the caller's first question hybrid.
    if (vectors.#progressNow.passagesDone === passages.length) await vectors.complete;
    return vectors;
  }

  get state(): VectorState {
    return this.#stateNow;
  }

  get progress(): VectorProgress {
    return this.#progressNow;
  }

  /** Stops computing vectors (those computed so far stay stored). Ranking stays as it is. */
  stop(): void {
    this.#abort.abort(new Error('the library was closed'));
  }

  /** What embeds the passages and the questions, once a worker thread has said: undefined until then. */
  get engine(): EngineReport | undefined {
    return this.#engine;
  }

  /**
   * Told the engine a worker thread embeds with (this library's, or the one that reads its questions): the first is
   * the library's. A fallback is warned about, and the engine reported to onProgress.
   */
  engineReported(report: EngineReport): void {
    if (this.#engine !== undefined) return;
    this.#engine = report;
    if (report.fallbackReason !== undefined) {
      this.#options.warn?.(`${report.fallbackReason}; reading for meaning with ${report.engine} instead, several times slower`);
    }
    this.#options.onProgress?.(this.#progressNow, this.#stateNow, this.#engine);
  }

  /**
   * The dense ranking of a question, at least `count` passages long (or every passage): a passage's similarity is the
   * cosine of its closest sentence and a little of its second closest (the closest again for a passage of one
   * sentence); `closest` is the cosine of the closest sentence of all. The vector index proposes sentences, closest
   * first, and their passages are scored exactly; more are fetched until the first EXACT_PASSAGES are certain (a
   * passage left out has no sentence closer than the last fetched, so it scores no higher). Only once complete.
   */
  denseRanking(questionVector: Float32Array, count: number): DenseRanking & { readonly closest: number } {
    const index = this.#index;
    const wanted = Math.min(count, this.#passages.length);
    if (index === undefined) {
      const { byPassage, closest } = this.similarities(questionVector);
      const order = Array.from(byPassage.keys()).sort((a, b) => (byPassage[b] as number) - (byPassage[a] as number) || a - b);
      return { order: order.slice(0, wanted), scoreOf: (passage) => byPassage[passage] ?? -1, closest };
    }
    const closestRows = new Map<number, { cosine: number; second: number }>();
    const scoreOf = (passage: number) => {
      let closestRow = closestRows.get(passage);
      if (closestRow === undefined) {
        closestRow = this.#closestRow(passage, questionVector);
        closestRows.set(passage, closestRow);
      }
      return (1 - SECOND_SENTENCE_SHARE) * closestRow.cosine + SECOND_SENTENCE_SHARE * closestRow.second;
    };
    let order: number[] = [];
    if (wanted === 0) return { order, scoreOf, closest: -1 };
    for (let fetch = wanted * ROWS_PER_PASSAGE; ; fetch *= 2) {
      const { keys, similarities } = index.search(questionVector, fetch);
      const found = new Set<number>();
      for (const key of keys) {
        for (let row = this.#rowOfKey.get(key) ?? -1; row >= 0; row = this.#nextRowOfText[row] as number) {
          found.add(this.#passageOfRow[row] as number);
        }
      }
      const scored = [...found].map((passage) => ({ passage, score: scoreOf(passage) }));
      order = scored.sort((a, b) => b.score - a.score || a.passage - b.passage).map((hit) => hit.passage);
      const everyRow = keys.length < fetch || keys.length >= index.size;
      const bound = similarities[similarities.length - 1] ?? -1;
      const certain = Math.min(wanted, EXACT_PASSAGES);
      if (everyRow || (order.length >= wanted && scoreOf(order[certain - 1] as number) >= bound)) break;
    }
    let closest = -1;
    for (const { cosine } of closestRows.values()) closest = Math.max(closest, cosine);
    return { order: order.slice(0, wanted), scoreOf, closest };
  }

  /**
   * Each passage's similarity to the question, by a scan of every sentence (the scores denseRanking gives), and the
   * cosine of the closest sentence of all: what the vector index stands in for, and where it cannot load. Only once
   * complete.
   */
  similarities(questionVector: Float32Array): { byPassage: Float32Array; closest: number } {
    const byPassage = new Float32Array(this.#passages.length);
    let closestOfAll = -1;
    for (let passage = 0; passage < this.#passages.length; passage++) {
      const { cosine, second } = this.#closestRow(passage, questionVector);
      byPassage[passage] = (1 - SECOND_SENTENCE_SHARE) * cosine + SECOND_SENTENCE_SHARE * second;
      closestOfAll = Math.max(closestOfAll, cosine);
    }
    return { byPassage, closest: closestOfAll };
  }

  /** The passage's sentence closest in meaning to the question, as a range of its text. Only once complete. */
  closestSentence(passage: number, questionVector: Float32Array): TextRange {
    const { row } = this.#closestRow(passage, questionVector);
    const text = (this.#passages[passage] as Passage).text;
    return this.#sentenceOfRow[row] ?? [0, text.length];
  }

  /** Each sentence of the passage with its similarity to the question (a long sentence: its closest window). */
  sentenceSimilarities(passage: number, questionVector: Float32Array): Array<{ sentence: TextRange; cosine: number }> {
    const dimensions = this.#options.model.dimensions;
    const bySentence = new Map<number, { sentence: TextRange; cosine: number }>();
    for (let row = this.#firstRow[passage] as number; row < (this.#firstRow[passage + 1] as number); row++) {
      const dot = dotProduct(this.#rows, row * dimensions, questionVector);
      const sentence = this.#sentenceOfRow[row] as TextRange;
      const known = bySentence.get(sentence[0]);
      if (known === undefined || dot > known.cosine) bySentence.set(sentence[0], { sentence, cosine: dot });
    }
    return [...bySentence.values()];
  }

  /** The passage's row closest to the question, its cosine, and the cosine of the second closest (or the same). */
  #closestRow(passage: number, questionVector: Float32Array): { row: number; cosine: number; second: number } {
    const dimensions = this.#options.model.dimensions;
    let closest = { row: this.#firstRow[passage] as number, cosine: -1 };
    let second: number | undefined;
    for (let row = this.#firstRow[passage] as number; row < (this.#firstRow[passage + 1] as number); row++) {
      const dot = dotProduct(this.#rows, row * dimensions, questionVector);
      if (dot > closest.cosine) {
        if (row > (this.#firstRow[passage] as number)) second = closest.cosine;
        closest = { row, cosine: dot };
      } else if (second === undefined || dot > second) {
        second = dot;
      }
    }
    return { ...closest, second: second ?? closest.cosine };
  }

  async #build(
    store: VectorStore,
    liveKeys: ReadonlySet<string>,
    pending: Array<[key: string, entry: { text: string; rows: number[] }]>,
    missingRows: Uint32Array,
    passageOfRow: Uint32Array,
  ): Promise<boolean> {
    const { model, warn = () => {} } = this.#options;
    const dimensions = model.dimensions;
    let writes = Promise.resolve();
    let persisting = true;
    // A full disk or a read-only folder costs the next start its head start, not this one its vectors.
    const persist = (write: () => Promise<void>) => {
      writes = writes.then(write).catch((error: unknown) => {
        if (persisting) warn(`passage vectors are not persisted: ${(error as Error).message}`);
        persisting = false;
      });
    };
    const report = () => this.#options.onProgress?.(this.#progressNow, this.#stateNow, this.#engine);
    try {
      await embedInWorkers(
        model,
        pending.map(([, entry]) => entry.text),
        {
          threads: this.#options.threads,
          signal: this.#abort.signal,
          onEngine: (report) => this.engineReported(report),
          onVectors: (first, vectors) => {
            let passagesDone = this.#progressNow.passagesDone;
            const batch = vectors.map((vector, offset) => {
              const [key, entry] = pending[first + offset] as (typeof pending)[number];
              for (const row of entry.rows) {
                this.#rows.set(vector, row * dimensions);
                const passage = passageOfRow[row] as number;
                missingRows[passage] = (missingRows[passage] as number) - 1;
                if (missingRows[passage] === 0) passagesDone++;
              }
              return [key, vector] as const;
            });
            this.#progressNow = { ...this.#progressNow, passagesDone };
            // Writes are queued, so that the file's records stay whole and in order.
            persist(() => store.add(batch));
            report();
          },
        },
      );
      // Vectors of texts no longer in the sources are dropped, so that the store does not grow with every edit.
      persist(() => store.retainOnly(liveKeys));
      await writes;
      if (this.#options.search !== 'scan') {
        this.#index = await VectorIndex.sync({
          file: this.#options.storeFile === undefined ? undefined : `${this.#options.storeFile}.index`,
          dimensions,
          threads: availableParallelism(),
          live: this.#rowOfKey,
          rows: this.#rows,
          warn,
        });
      }
      if (this.#abort.signal.aborted) throw this.#abort.signal.reason;
      this.#stateNow = 'ready';
    } catch (error) {
      await writes;
      this.#stateNow = this.#abort.signal.aborted ? 'stopped' : 'failed';
      if (this.#stateNow === 'failed') {
        warn(`passage vectors could not be computed, so ranking stays lexical: ${(error as Error).message}`);
      }
    }
    report();
    return this.#stateNow === 'ready';
  }
}
