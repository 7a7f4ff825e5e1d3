/**
 * Loads one engine of MiniLM in this fresh process, as each thread that embeds loads it, embeds one text, and prints
 * the load time and resident memory as JSON. Run by bench/engines.ts: `tsx bench/engine-probe.ts onnx|wasm`.
 */
import minilm from '../src/semantic/minilm.js';
import wasmMinilm from './wasm-minilm.js';

/** What the probe prints. */
export interface EngineProbeResult {
  /** Embedder.engine. */
  readonly engine: string;
  readonly loadSeconds: number;
  /** Resident set size before the model was loaded, and with it loaded, in bytes. */
  readonly rssBefore: number;
  readonly rssWithModel: number;
}

const model = process.argv[2] === 'wasm' ? wasmMinilm : minilm;
const rssBefore = process.memoryUsage().rss;
const started = performance.now();
const embedder = await model.load();
const loadSeconds = (performance.now() - started) / 1000;
await embedder.embed(['How many of the women need help seeing a GP?']);
const result: EngineProbeResult = { engine: embedder.engine, loadSeconds, rssBefore, rssWithModel: process.memoryUsage().rss };
console.log(JSON.stringify(result));
