import { performance } from 'node:perf_hooks';
import { LRUCache } from 'lru-cache';
import type { EmbeddingModel } from './embedder.js';
import { QuestionWorker, type EngineReport } from './pool.js';

/** Questions whose vectors are kept: the "Next match" and "Show source" buttons ask the same question again. */
const REMEMBERED_QUESTIONS = 256;

/**
 * How long the model takes per question before any run has been timed, in ms: MiniLM's on the WebAssembly engine on
 * two cores (bench/semantic.ts), so that a first burst is deferred rather than left waiting.
 */
const FIRST_GUESS_QUESTION_MS = 30;

/**
 * Questions embedded together in one run of the model, at most (1 or more): one message to the worker and one run
 * for many questions, rather than one each; past a few dozen, a run is long enough that its first question waits
 * long for its last.
 */
const QUESTIONS_PER_RUN = 32;

interface Waiting {
  readonly text: string;
  resolve(vector: Float32Array): void;
  reject(error: Error): void;
}

/**
 * Questions read for meaning in a worker thread of their own: under a burst, replies and other interactions are served
 * on the main thread while questions wait for their vectors. The questions that arrive while the model runs are
 * embedded together in its next run, so that a burst is read in a few runs rather than one question at a time. It
 * knows how many questions wait, so that the bot can defer a reply that would wait too long.
 */
export class QuestionQueue {
  readonly #worker: QuestionWorker;
  readonly #remembered = new LRUCache<string, Float32Array>({ max: REMEMBERED_QUESTIONS });
  /** Questions rewritten for the model and waiting for the next run. */
  readonly #pending: Waiting[] = [];
  /** A run of the model is under way. */
  #running = false;
  /** Questions asked whose vectors are not known yet: being rewritten, waiting, or in the run under way. */
  #waiting = 0;
  /**
   * How long the model took per question lately (a moving average of runs' time over their questions, ms); a first
   * guess until a run has been timed. A run's time grows with its questions: they are read one by one.
   */
  #questionMs = FIRST_GUESS_QUESTION_MS;

  /** `onEngine` is told the engine the worker reads questions with, once it has loaded the model. */
  constructor(model: EmbeddingModel, onEngine?: (report: EngineReport) => void) {
    this.#worker = new QuestionWorker(model, onEngine);
  }

  /** Loads the model in the worker now, rather than at the first question. */
  warmUp(): void {
    void this.#worker.start();
  }

  /**
   * How long the vector of a question asked now would take, in ms: none when it is remembered, else the questions
   * waiting before it and its own, at the time a question took lately.
   */
  waitMs(question: string): number {
    return this.#remembered.has(question) ? 0 : (this.#waiting + 1) * this.#questionMs;
  }

  /**
   * The question's vector. The model reads the text `readAs` gives (the question rewritten for it); a question asked
   * lately is remembered as asked, and neither rewritten nor embedded again. When `readAs` gives the text at once and
   * the worker is ready, the question is on its way to the worker when this returns, so that the caller can do other
   * work while it is embedded.
   */
  async embed(question: string, readAs: () => string | Promise<string> = () => question): Promise<Float32Array> {
    const remembered = this.#remembered.get(question);
    if (remembered !== undefined) return remembered;
    this.#waiting++;
    let vector: Float32Array;
    try {
      const readable = readAs();
      const text = typeof readable === 'string' ? readable : await readable;
      vector = await new Promise<Float32Array>((resolve, reject) => {
        this.#pending.push({ text, resolve, reject });
        this.#runNext();
      });
    } finally {
      this.#waiting--;
    }
    this.#remembered.set(question, vector);
    return vector;
  }

  /** Ends the worker once no question waits: a library replaced by a reload still answers what it was asked. */
  stop(): void {
    this.#worker.stop();
  }

  /** Embeds the questions waiting, if the model is not running already; once done, those that came meanwhile. */
  #runNext(): void {
    if (this.#running || this.#pending.length === 0) return;
    this.#running = true;
    const run = this.#pending.splice(0, QUESTIONS_PER_RUN);
    const started = performance.now();
    void this.#worker
      .embed(run.map((waiting) => waiting.text))
      .then(
        (vectors) => {
          this.#questionMs = 0.8 * this.#questionMs + 0.2 * ((performance.now() - started) / run.length);
          for (const [at, waiting] of run.entries()) {
            const vector = vectors[at];
            if (vector === undefined) waiting.reject(new Error('the embedding model returned no vector for the question'));
            else waiting.resolve(vector);
          }
        },
        (error: Error) => {
          for (const waiting of run) waiting.reject(error);
        },
      )
      .finally(() => {
        this.#running = false;
        this.#runNext();
      });
  }
}
