import { createEmbedder, type ModelManifest } from '@lat.md/embed';
import type { Embedder } from './embedder.js';

/** The version of @lat.md/embed, as pinned in package.json: named in the engine's description. */
const EMBED_VERSION = '0.2.0';

/**
 * all-MiniLM-L6-v2 in @lat.md/embed's WebAssembly engine: no native code at all, so it runs wherever Node does, one
 * text at a time on one core. The fallback of src/semantic/minilm.ts, for where ONNX Runtime cannot load.
 */
export async function loadWasmEngine(manifest: ModelManifest): Promise<Embedder> {
  // Without an API key, createEmbedder runs the model locally from the manifest's files. It reads them at its
  // first text: one is embedded now, so that the time it takes is spent here rather than on a question.
  const engine = await createEmbedder({ model: manifest });
  await engine.embed(['loading']);
  return {
    engine: `WebAssembly (@lat.md/embed ${EMBED_VERSION}, one text at a time)`,
    async embed(texts) {
      const vectors: Float32Array[] = [];
      // One text per call: from 24 texts on, the engine would start worker threads of its own for every call,
      // and each would load the weights again. Parallelism is src/semantic/worker.ts's job.
      for (const text of texts) {
        const [vector] = await engine.embed([text]);
        vectors.push(Float32Array.from(vector ?? []));
      }
      return vectors;
    },
  };
}
