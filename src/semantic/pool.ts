import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { EmbeddingModel } from './embedder.js';

/** What a worker thread is started with (src/semantic/worker.ts). */
export interface WorkerSettings {
  /** URL of the module whose default export is the EmbeddingModel to load. */
  readonly modelModule: string;
}

/** A batch of texts for a worker; `first` is the position of the batch's first text in the whole job. */
export interface BatchRequest {
  readonly first: number;
  readonly texts: readonly string[];
}

export type WorkerMessage =
  | { readonly kind: 'ready' }
  | { readonly kind: 'vectors'; readonly first: number; readonly vectors: Float32Array[] }
  | { readonly kind: 'failed'; readonly message: string };

/**
 * Texts handed to a worker at a time: small enough that progress moves every second or so and that the threads
 * finish together, large enough that messages cost nothing beside the model.
 */
const BATCH_TEXTS = 8;

/** Each worker loads the whole model (~0.3 s, ~200 MB): a small job is not spread thinner than this. */
const MIN_TEXTS_PER_WORKER = 32;

/**
 * Default number of worker threads: one per core, but no more than four, since each holds its own copy of the
 * model in memory and the thread that answers questions needs a core now and then too.
 */
export const DEFAULT_EMBEDDING_THREADS = Math.min(4, availableParallelism());

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
      else reject(error);
    };
    const onAbort = () => finish(options.signal?.reason ?? new Error('embedding stopped'));
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort);

    const dispatch = (worker: Worker) => {
      if (next >= texts.length) return;
      const request: BatchRequest = { first: next, texts: texts.slice(next, next + BATCH_TEXTS) };
      next += request.texts.length;
      worker.postMessage(request);
    };
    for (let count = 0; count < threads; count++) {
      const settings: WorkerSettings = { modelModule: model.module };
      const worker = new Worker(workerEntry, { workerData: settings });
      workers.push(worker);
      worker.on('message', (message: WorkerMessage) => {
        if (settled) return;
        if (message.kind === 'failed') return finish(new Error(`embedding failed: ${message.message}`));
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
