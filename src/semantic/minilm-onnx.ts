import { readFile } from 'node:fs/promises';
import { Tokenizer as UntypedTokenizer } from '@huggingface/tokenizers';
import type { ModelManifest } from '@lat.md/embed';
import type { Embedder } from './embedder.js';
import { buildMiniLmGraph, cachedMiniLmGraph, GRAPH_INPUTS, GRAPH_OUTPUT, readSafetensors, type BertConfig } from './minilm-graph.js';

/**
 * all-MiniLM-L6-v2 on ONNX Runtime (onnxruntime-node, whose CPU binaries ship in its npm package), from the graph that
 * src/semantic/minilm-graph.ts writes from the shipped weights. Texts are tokenized as the WebAssembly engine
 * tokenizes them (the same tokenizer.json, read by Hugging Face's own JavaScript tokenizer), cut to the model's
 * longest input the same way, and embedded in batches of texts of about the same length, so that little is padding.
 */

/**
 * Tokens (padding included) in one run of the model: small batches keep each layer's activations in the processor's
 * caches, and sorting the texts by length keeps their padding small (measured: bench/semantic.ts).
 */
const BATCH_TOKENS = 1024;

const CLS = '[CLS]';
const SEP = '[SEP]';

export interface OnnxEngineOptions {
  /** Module specifier of ONNX Runtime: another name makes it fail to load, as on a platform it does not ship for. */
  readonly runtime: string;
  /** Where the graph is cached (created if missing); when it cannot be written, the graph is built in memory. */
  readonly cacheDir: string;
  /** ONNX Runtime's operator threads for this embedder: 1 or more. */
  readonly threads: number;
}

type InferenceSession = import('onnxruntime-node').InferenceSession;

/**
 * The part of @huggingface/tokenizers' Tokenizer used here: its published types import their own modules without file
 * extensions, which Node's module resolution does not find, so the class is typed here.
 */
interface Tokenizer {
  encode(text: string, options: { add_special_tokens: boolean }): { ids: number[] };
  token_to_id(token: string): number | undefined;
}

const TokenizerFromJson = UntypedTokenizer as unknown as new (tokenizerJson: object, tokenizerConfig: object) => Tokenizer;

interface Runtime {
  readonly InferenceSession: typeof import('onnxruntime-node').InferenceSession;
  readonly Tensor: typeof import('onnxruntime-node').Tensor;
  readonly env: { readonly versions: { readonly common: string } };
}

/** What the engine tells about itself: its name and version, and how it was set up. */
export function describeOnnxEngine(version: string, threads: number, graph: string): string {
  return `ONNX Runtime ${version} (CPU, ${threads} operator thread${threads === 1 ? '' : 's'}, ${graph})`;
}

export async function loadOnnxEngine(manifest: ModelManifest, options: OnnxEngineOptions): Promise<Embedder> {
  const runtime = (await import(options.runtime)) as Runtime;
  const tokenizerJson = JSON.parse(await readFile(manifest.tokenizerPath, 'utf8')) as object;
  const tokenizer = new TokenizerFromJson(tokenizerJson, {});
  const cls = tokenizer.token_to_id(CLS);
  const sep = tokenizer.token_to_id(SEP);
  if (cls === undefined || sep === undefined) throw new Error('the tokenizer has no [CLS] or [SEP]');

  const sessionOptions = {
    intraOpNumThreads: options.threads,
    interOpNumThreads: 1,
    // The graph is written with the fused operators already (minilm-graph.ts); the optimiser's further fusions would
    // put back the SkipLayerNormalization the graph avoids, several times slower than the operators it replaces.
    graphOptimizationLevel: 'basic',
    executionMode: 'sequential',
    // Operator threads would otherwise spin between runs, taking a core from the thread that answers.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  } as const;
  const openSession = async (): Promise<{ session: InferenceSession; graph: string }> => {
    let cached: { file: string; built: boolean };
    try {
      cached = await cachedMiniLmGraph(manifest, options.cacheDir);
    } catch {
      // A read-only or full disk costs the next start the build, not this one its model.
      const [weights, config] = await Promise.all([readFile(manifest.weightsPath), readFile(manifest.configPath, 'utf8')]);
      const graph = buildMiniLmGraph(readSafetensors(weights), JSON.parse(config) as BertConfig);
      return { session: await runtime.InferenceSession.create(graph, sessionOptions), graph: 'graph built in memory' };
    }
    try {
      const session = await runtime.InferenceSession.create(cached.file, sessionOptions);
      return { session, graph: cached.built ? 'graph built from the shipped weights' : 'graph read from its cache' };
    } catch (error) {
      if (cached.built) throw error;
      // A cached graph damaged on disk is written again, once.
      const rebuilt = await cachedMiniLmGraph(manifest, options.cacheDir, { rebuild: true });
      return {
        session: await runtime.InferenceSession.create(rebuilt.file, sessionOptions),
        graph: 'graph built again from the shipped weights',
      };
    }
  };
  const { session, graph } = await openSession();

  /** The text's token ids, [CLS] … [SEP], cut to the model's longest input at its end as the WebAssembly engine cuts. */
  const tokenize = (text: string): number[] => {
    const ids = tokenizer.encode(text, { add_special_tokens: false }).ids;
    const room = manifest.maxTokens - 2;
    return [cls, ...(ids.length > room ? ids.slice(0, room) : ids), sep];
  };

  const run = async (rows: readonly number[][]): Promise<Float32Array[]> => {
    const length = Math.max(...rows.map((ids) => ids.length));
    const tokens = new Int32Array(rows.length * length);
    const mask = new Int32Array(rows.length * length);
    for (const [row, ids] of rows.entries()) {
      tokens.set(ids, row * length);
      mask.fill(1, row * length, row * length + ids.length);
    }
    const shape = [rows.length, length];
    const outputs = await session.run({
      [GRAPH_INPUTS.tokens]: new runtime.Tensor('int32', tokens, shape),
      [GRAPH_INPUTS.mask]: new runtime.Tensor('int32', mask, shape),
    });
    const vectors = outputs[GRAPH_OUTPUT]?.data;
    if (!(vectors instanceof Float32Array)) throw new Error('the model returned no sentence embeddings');
    const dimensions = manifest.dimensions;
    // Each vector gets its own memory, so that it can be handed to another thread without the others.
    return rows.map((_, row) => vectors.slice(row * dimensions, (row + 1) * dimensions));
  };

  const embedder: Embedder = {
    engine: describeOnnxEngine(runtime.env.versions.common, options.threads, graph),
    async embed(texts) {
      const encoded = texts.map(tokenize);
      const order = encoded.map((_, index) => index).sort((a, b) => (encoded[a] as number[]).length - (encoded[b] as number[]).length);
      const vectors: Float32Array[] = new Array<Float32Array>(texts.length);
      let batch: number[] = [];
      const flush = async () => {
        const embedded = await run(batch.map((index) => encoded[index] as number[]));
        for (const [offset, index] of batch.entries()) vectors[index] = embedded[offset] as Float32Array;
        batch = [];
      };
      for (const index of order) {
        // Sorted by length, the text being added is the batch's longest: every row is padded to it.
        const longest = (encoded[index] as number[]).length;
        if (batch.length > 0 && (batch.length + 1) * longest > BATCH_TOKENS) await flush();
        batch.push(index);
      }
      if (batch.length > 0) await flush();
      return vectors;
    },
  };
  // The first run sets up the operators' buffers: done now, so that its time is spent here rather than on a question.
  await embedder.embed(['loading']);
  return embedder;
}
