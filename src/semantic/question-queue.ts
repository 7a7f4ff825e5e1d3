import { performance } from 'node:perf_hooks';
import { LRUCache } from 'lru-cache';
import type { EmbeddingModel } from './embedder.js';
import { QuestionWorker, type EngineReport } from './pool.js';

/** Questions whose vectors are kept: the "Next match" and "Show source" buttons ask the same question again. */
const REMEMBERED_QUESTIONS = 256;

/** How long embedding a question takes before any has been timed: MiniLM's on two cores, measured (bench/semantic.ts). */
const FIRST_GUESS_QUESTION_MS = 30;

/**
 * Questions read for meaning, one at a time and in order, in a worker thread of their own: under a burst, replies and
 * other interactions are served on the main thread while questions wait for their vectors. It knows how long the
 * queue is, so that the bot can defer a reply that would wait too long.
 */
export class QuestionQueue {
  readonly #worker: QuestionWorker;
  readonly #remembered = new LRUCache<string, Float32Array>({ max: REMEMBERED_QUESTIONS });
  /** Each question waits for the one before it. */
  #queue: Promise<unknown> = Promise.resolve();
  /** Questions queued or being embedded. */
  #waiting = 0;
  /** How long a question took to embed lately (a moving average, ms); a first guess until one has been. */
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
   * queued before it and its own, at the time a question took lately.
   */
  waitMs(question: string): number {
    return this.#remembered.has(question) ? 0 : (this.#waiting + 1) * this.#questionMs;
  }

  /**
   * The question's vector. The model reads the text `readAs` gives (the question rewritten for it); a question asked
   * lately is remembered as asked, and neither rewritten nor embedded again.
   */
  async embed(question: string, readAs: () => string | Promise<string> = () => question): Promise<Float32Array> {
    const remembered = this.#remembered.get(question);
    if (remembered !== undefined) return remembered;
    this.#waiting++;
    let vector: Float32Array;
    try {
      const text = await readAs();
      const turn = this.#queue.then(async () => {
        const started = performance.now();
        const embedded = await this.#worker.embed(text);
        this.#questionMs = 0.8 * this.#questionMs + 0.2 * (performance.now() - started);
        return embedded;
      });
      this.#queue = turn.catch(() => {});
      vector = await turn;
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
}
