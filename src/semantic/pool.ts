import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { EmbeddingModel } from './embedder.js';

/** What a worker thread is started with (src/semantic/worker.ts). */
export interface WorkerSettings {
  /** URL of the module whose default export is the EmbeddingModel to load. */
  readonly modelModule: string;
  /** The model's operator threads in this worker (LoadOptions.threads). */
  readonly threads: number;
}

/** The engine a worker embeds with (Embedder.engine), and why it is a fallback if it is one. */
export interface EngineReport {
  readonly engine: string;
  readonly fallbackReason?: string;
}

/** A batch of texts for a worker; `first` is the position of the batch's first text in the whole job. */
export interface BatchRequest {
  readonly first: number;
  readonly texts: readonly string[];
}

export type WorkerMessage =
  | ({ readonly kind: 'ready' } & EngineReport)
  | { readonly kind: 'vectors'; readonly first: number; readonly vectors: Float32Array[] }
  | { readonly kind: 'failed'; readonly first: number; readonly message: string };

/**
 * Most texts handed to a worker at a time: small enough that progress moves every few seconds, large enough that the
 * model finds texts of about the same length to batch together (it pads each batch to its longest text) and that
 * messages cost nothing beside it. Near the end of a job the workers are handed less, so that they finish together.
 */
const BATCH_TEXTS = 128;

/** Fewest texts handed to a worker at a time, but for the job's last. */
const MIN_BATCH_TEXTS = 16;

/** Each worker loads the whole model (~0.3 s, ~200 MB): a small job is not spread thinner than this. */
const MIN_TEXTS_PER_WORKER = 32;

/**
 * How many of the `left` texts to hand a worker next: a full batch, or an equal share of what is left for each of the
 * `workers` once that is less, so that they finish together.
 */
export function nextBatchSize(left: number, workers: number): number {
  return Math.min(left, BATCH_TEXTS, Math.max(MIN_BATCH_TEXTS, Math.ceil(left / workers)));
}

/**
 * Default number of worker threads: one per core, but no more than four, since each holds its own copy of the
 * model in memory and the thread that answers questions needs a core now and then too. Each runs the model on one
 * operator thread, unless there are cores to spare: separate texts on separate cores keep every core busy, where
 * one text's small matrices split between threads do not.
 */
export const DEFAULT_EMBEDDING_THREADS = Math.min(4, availableParallelism());

/**
 * Operator threads of the worker that embeds questions: a question is one short text, which is embedded sooner on two
 * cores than on one, and hardly sooner on more than four.
 */
export const QUESTION_OPERATOR_THREADS = Math.min(4, availableParallelism());

/** Compiled, the worker is worker.js; run from TypeScript source, worker-from-source.mjs loads worker.ts. */
const workerEntry = new URL(
  import.meta.url.endsWith('.ts') ? './worker-from-source.mjs' : './worker.js',
  import.meta.url,
);

export interface EmbedInWorkersOptions {
  /** Worker threads to start at most (DEFAULT_EMBEDDING_THREADS). */
  readonly threads?: number;
  /** Called as each batch is embedded, in the order batches complete; `first` is the batch's first text. */
  readonly onVectors: (first: number, vectors: readonly Float32Array[]) => void;
  /** Told the engine each worker embeds with, as it is ready. */
  readonly onEngine?: (report: EngineReport) => void;
  /** Aborting stops the workers; the promise then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/**
 * Embeds every text in worker threads, each with its own copy of the model, and stops them when done. Resolves
 * once every vector has been handed to onVectors; rejects when a worker fails or the signal aborts.
 */
export function embedInWorkers(
  model: EmbeddingModel,
  texts: readonly string[],
  options: EmbedInWorkersOptions,
): Promise<void> {
  if (texts.length === 0) return Promise.resolve();
  const wanted = Math.max(1, Math.floor(options.threads ?? DEFAULT_EMBEDDING_THREADS));
  const threads = Math.min(wanted, Math.ceil(texts.length / MIN_TEXTS_PER_WORKER));
  return new Promise<void>((resolve, reject) => {
    const workers: Worker[] = [];
    let next = 0;
    let embedded = 0;
    let settled = false;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      for (const worker of workers) void worker.terminate();
      if (error === undefined) resolve();
      else reject(error instanceof Error ? error : new Error('embedding failed', { cause: error }));
    };
    const onAbort = () => finish(options.signal?.reason ?? new Error('embedding stopped'));
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort);

    const dispatch = (worker: Worker) => {
      if (next >= texts.length) return;
      const size = nextBatchSize(texts.length - next, threads);
      const request: BatchRequest = { first: next, texts: texts.slice(next, next + size) };
      next += request.texts.length;
      worker.postMessage(request);
    };
    const operatorThreads = Math.max(1, Math.floor(availableParallelism() / threads));
    for (let count = 0; count < threads; count++) {
      const settings: WorkerSettings = { modelModule: model.module, threads: operatorThreads };
      const worker = new Worker(workerEntry, { workerData: settings });
      workers.push(worker);
      worker.on('message', (message: WorkerMessage) => {
        if (settled) return;
        if (message.kind === 'failed') return finish(new Error(`embedding failed: ${message.message}`));
        if (message.kind === 'ready') options.onEngine?.(message);
        if (message.kind === 'vectors') {
          embedded += message.vectors.length;
          try {
            options.onVectors(message.first, message.vectors);
          } catch (error) {
            return finish(error);
          }
          if (embedded === texts.length) return finish();
        }
        dispatch(worker);
      });
      worker.on('error', (error) => finish(error));
      // A worker can end without an error event (out of memory, an abort inside WebAssembly).
      worker.on('exit', (code) => finish(new Error(`an embedding worker stopped unexpectedly (exit code ${code})`)));
    }
  });
}

/**
 * One worker thread that embeds questions, in the order asked: the thread that answers never runs the model, so
 * questions waiting for their vectors never hold up replies or other interactions. Started on first use; it keeps
 * the process alive only while a question waits for it.
 */
export class QuestionWorker {
  #started: Promise<Worker> | undefined;
  /** The worker once it is ready: a request to it is posted at once, while the caller goes on with other work. */
  #ready: Worker | undefined;
  #nextRequest = 0;
  readonly #waiting = new Map<number, { resolve(vectors: Float32Array[]): void; reject(error: Error): void }>();
  /** Stop once no question waits: a library replaced by a reload still answers the questions it was asked. */
  #stopping = false;

  readonly #model: EmbeddingModel;
  readonly #onEngine: (report: EngineReport) => void;

  /** `onEngine` is told the engine the worker embeds with, each time it is started. */
  constructor(model: EmbeddingModel, onEngine: (report: EngineReport) => void = () => {}) {
    this.#model = model;
    this.#onEngine = onEngine;
  }

  /**
   * The texts' vectors, in order, from one message to the worker and one run of the model; rejects when the worker
   * fails.
   */
  embed(texts: readonly string[]): Promise<Float32Array[]> {
    const request = this.#nextRequest++;
    return new Promise<Float32Array[]>((resolve, reject) => {
      this.#waiting.set(request, { resolve, reject });
      const post = (worker: Worker) => {
        worker.ref();
        worker.postMessage({ first: request, texts } satisfies BatchRequest);
      };
      if (this.#ready !== undefined) post(this.#ready);
      else this.start().then(post, (error: Error) => this.#settle(request, error));
    });
  }

  /** Starts the worker (loading its copy of the model), if it is not running. */
  start(): Promise<Worker> {
    if (this.#started !== undefined) return this.#started;
    const started = new Promise<Worker>((resolve, reject) => {
      const settings: WorkerSettings = { modelModule: this.#model.module, threads: QUESTION_OPERATOR_THREADS };
      const worker = new Worker(workerEntry, { workerData: settings });
      worker.unref();
      const ended = (error: Error) => {
        if (this.#started === started) {
          this.#started = undefined;
          this.#ready = undefined;
        }
        reject(error);
        for (const request of [...this.#waiting.keys()]) this.#settle(request, error);
      };
      worker.on('message', (message: WorkerMessage) => {
        if (message.kind === 'ready') {
          this.#onEngine(message);
          if (this.#started === started) this.#ready = worker;
          resolve(worker);
        }
        else if (message.kind === 'vectors') this.#settle(message.first, message.vectors);
        else this.#settle(message.first, new Error(`embedding failed: ${message.message}`));
        if (this.#waiting.size > 0) return;
        worker.unref();
        if (this.#stopping) this.#terminate();
      });
      worker.on('error', ended);
      // A worker can end without an error event (out of memory, an abort inside WebAssembly).
      worker.on('exit', (code) => ended(new Error(`the question worker stopped (exit code ${code})`)));
    });
    started.catch(() => {});
    this.#started = started;
    return started;
  }

  /** Stops the worker once no question waits for it (at once if none does). */
  stop(): void {
    this.#stopping = true;
    if (this.#waiting.size === 0) this.#terminate();
  }

  #terminate(): void {
    const started = this.#started;
    this.#started = undefined;
    this.#ready = undefined;
    void started?.then((worker) => worker.terminate(), () => {});
  }

  #settle(request: number, outcome: Float32Array[] | Error): void {
    const waiting = this.#waiting.get(request);
    if (waiting === undefined) return;
    this.#waiting.delete(request);
    if (outcome instanceof Error) waiting.reject(outcome);
    else waiting.resolve(outcome);
  }
}
