/**
 * A worker thread that embeds texts: it loads its own copy of the model named in workerData, says it is ready, then
 * answers each batch of texts with their vectors. Started by src/semantic/pool.ts; the model runs here so that the
 * thread that answers questions never waits for it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { EmbeddingModel } from './embedder.js';
import type { BatchRequest, WorkerMessage, WorkerSettings } from './pool.js';

const port = parentPort;
if (port === null) throw new Error('src/semantic/worker.ts runs as a worker thread only');

const { modelModule, threads } = workerData as WorkerSettings;
const model = ((await import(modelModule)) as { default: EmbeddingModel }).default;
const embedder = await model.load({ threads });

const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

port.on('message', (request: BatchRequest) => {
  embedder.embed(request.texts).then(
    (vectors) => {
      // The vectors' memory is handed over, not copied.
      const buffers = vectors.map((vector) => vector.buffer as ArrayBuffer);
      post({ kind: 'vectors', first: request.first, vectors }, buffers);
    },
    (error: unknown) =>
      post({ kind: 'failed', first: request.first, message: error instanceof Error ? error.message : String(error) }),
  );
});
post({ kind: 'ready', engine: embedder.engine, fallbackReason: embedder.fallbackReason });
