/**
 * The two engines of MiniLM side by side, in one run: ONNX Runtime (the default) and the WebAssembly engine it falls
 * back to. Do they give the same vectors, and how fast, how large are they: passages read per second, a question's
 * vector, loading, memory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sentenceRanges } from '../src/corpus/sentences.js';
import { Library } from '../src/library.js';
import type { EmbeddingModel } from '../src/semantic/embedder.js';
import minilm from '../src/semantic/minilm.js';
import { PassageVectors } from '../src/semantic/passage-vectors.js';
import { QuestionQueue } from '../src/semantic/question-queue.js';
import { VectorStore } from '../src/semantic/vector-store.js';
import { loadBeir, sourceOf } from './beir.js';
import { REPO_ROOT, runScript } from './child.js';
import type { EngineProbeResult } from './engine-probe.js';
import { count, fixed, type Table } from './markdown.js';
import { percentile } from './metrics.js';
import wasmMinilm from './wasm-minilm.js';

export interface EnginesOptions {
  readonly beirDir: string | undefined;
  readonly dataDir: string;
  readonly devQuestions: readonly string[];
  readonly quick: boolean;
  readonly threads?: number;
}

const ENGINES: ReadonlyArray<{ readonly name: string; readonly model: EmbeddingModel }> = [
  { name: 'ONNX Runtime', model: minilm },
  { name: 'WebAssembly', model: wasmMinilm },
];

/** Texts no corpus here holds, of the kinds a data folder may: other scripts, emoji, symbols, blank, too long. */
const EDGE_TEXTS = [
  'Café, naïve, résumé: ÀÉÎÕÜ ñ ç ß straße.',
  'Ελληνικά, кириллица, عربى, 한국어 텍스트, 日本語のテキスト, 中文文本.',
  'Emoji 🙂👍🏽 and a family 👨‍👩‍👧 in a sentence.',
  'e.g. U.S.A. (1990–2000) cost $3.50, up 50%: #tag @user a/b C++ & C# <html> "quoted".',
  '',
  `${'x'.repeat(150)} is longer than any word the tokenizer knows.`,
  'tab\tseparated\nand new\r\nlines',
  Array.from({ length: 320 }, (_, at) => `word${at % 17} claim`).join(' '),
];

/** A fixed shuffle (a linear congruential generator), so that every run samples the same texts. */
function sample<T>(items: readonly T[], wanted: number, seed: number): T[] {
  const copy = [...items];
  let state = seed;
  for (let at = copy.length - 1; at > 0; at--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const other = state % (at + 1);
    [copy[at], copy[other]] = [copy[other] as T, copy[at] as T];
  }
  return copy.slice(0, wanted);
}

function sentencesOf(library: Library): string[] {
  return library.passages.flatMap((passage) => sentenceRanges(passage.text).map((range) => passage.text.slice(...range)));
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let at = 0; at < a.length; at++) dot += (a[at] as number) * (b[at] as number);
  return dot;
}

/** Varied texts: sentences and questions of every corpus here, and the edge cases. */
async function variedTexts(options: EnginesOptions, wanted: number): Promise<string[]> {
  const seed = await Library.open({ dataDir: options.dataDir });
  const pools: string[][] = [sentencesOf(seed), [...options.devQuestions]];
  if (options.beirDir !== undefined) {
    for (const [name, split] of [['scifact', 'train'], ['nfcorpus', 'dev']] as const) {
      const dataset = await loadBeir(options.beirDir, name, split);
      const library = new Library(path.join(REPO_ROOT, 'bench', name), sample(dataset.documents, 400, 7).map(sourceOf));
      pools.push(sentencesOf(library), dataset.allQueries.map((query) => query.text));
    }
  }
  const texts = new Set(EDGE_TEXTS);
  // An equal share from each pool, in turns, until there are enough: a small pool (the seeds) gives what it has.
  const shuffled = pools.map((pool, at) => sample(pool, pool.length, at + 1));
  for (let turn = 0; texts.size < wanted && shuffled.some((pool) => turn < pool.length); turn++) {
    for (const pool of shuffled) if (turn < pool.length && texts.size < wanted) texts.add(pool[turn] as string);
  }
  return [...texts];
}

interface EngineFigures {
  passagesPerSecond: number;
  passagesSeconds: number;
  /** Passages a second from the first worker's model loaded to the last vector: the rate a large corpus is read at. */
  loadedPassagesPerSecond: number;
  questionP50: number;
  questionP99: number;
  loadSeconds: number;
  rssWithModel: number;
  rssBefore: number;
  engine: string;
}

/** The engine loaded in a fresh process, as each thread that embeds loads it: load time and resident memory. */
async function loadedAlone(engine: 'onnx' | 'wasm'): Promise<EngineProbeResult> {
  const output = await runScript(path.join(REPO_ROOT, 'bench', 'engine-probe.ts'), [engine]);
  return JSON.parse(output) as EngineProbeResult;
}

export interface EnginesResult {
  readonly tables: Table[];
  readonly notes: string[];
}

export async function measureEngines(options: EnginesOptions): Promise<EnginesResult> {
  const { quick, threads } = options;

  // The same vectors? Each text embedded by both engines, on this thread.
  const texts = await variedTexts(options, quick ? 50 : 1_000);
  const onnx = await minilm.load();
  const wasm = await wasmMinilm.load();
  const fast = await onnx.embed(texts);
  const cosines: number[] = [];
  for (const [at, text] of texts.entries()) {
    const [reference] = await wasm.embed([text]);
    cosines.push(cosine(fast[at] as Float32Array, reference as Float32Array));
  }

  // Passages read for meaning from scratch, as a first run reads them: the same passages for both engines.
  const documents =
    options.beirDir === undefined
      ? undefined
      : (await loadBeir(options.beirDir, 'scifact', 'train')).documents.slice(0, quick ? 20 : 200);
  const passages =
    documents === undefined
      ? (await Library.open({ dataDir: options.dataDir })).passages
      : new Library(path.join(REPO_ROOT, 'bench', 'scifact-sample'), documents.map(sourceOf)).passages;
  const questions =
    options.beirDir === undefined
      ? options.devQuestions.slice(0, quick ? 20 : undefined)
      : (await loadBeir(options.beirDir, 'scifact', 'train')).allQueries.map((query) => query.text).slice(0, quick ? 50 : 300);
  const passagesOf = documents === undefined ? 'seed' : 'SciFact';
  const questionsOf = options.beirDir === undefined ? 'dev' : 'SciFact';

  const figures = new Map<string, EngineFigures>();
  for (const { name, model } of ENGINES) {
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'citebot-bench-engine-'));
    let passagesSeconds: number;
    let loadedSeconds: number;
    try {
      const started = performance.now();
      let loaded: number | undefined;
      const vectors = await PassageVectors.start(passages, {
        model,
        storeFile: VectorStore.fileFor(scratch, model.id, 'engine-sample'),
        threads,
        search: 'scan',
        onProgress: (_progress, _state, engine) => {
          if (engine !== undefined) loaded ??= performance.now();
        },
      });
      if (!(await vectors.complete)) throw new Error(`${name} could not read the passages for meaning`);
      const ended = performance.now();
      passagesSeconds = (ended - started) / 1000;
      loadedSeconds = (ended - (loaded ?? started)) / 1000;
      vectors.stop();
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
    // Questions one at a time through the worker thread that embeds them, as the bot asks.
    const queue = new QuestionQueue(model);
    await queue.embed('warm-up');
    const samples: number[] = [];
    for (const question of questions) {
      const started = performance.now();
      await queue.embed(question);
      samples.push(performance.now() - started);
    }
    queue.stop();
    const alone = await loadedAlone(name === 'ONNX Runtime' ? 'onnx' : 'wasm');
    figures.set(name, {
      passagesPerSecond: passages.length / passagesSeconds,
      passagesSeconds,
      loadedPassagesPerSecond: passages.length / loadedSeconds,
      questionP50: percentile(samples, 0.5),
      questionP99: percentile(samples, 0.99),
      ...alone,
    });
  }
  const [ours, theirs] = ENGINES.map(({ name }) => figures.get(name) as EngineFigures) as [EngineFigures, EngineFigures];
  const ratio = (value: number) => `${fixed(value, 1)}×`;
  const below = cosines.filter((value) => value < 0.999).length;
  const tables: Table[] = [
    {
      caption: `The same vectors: cosine of ONNX Runtime's vector and the WebAssembly engine's, ${count(texts.length)} varied texts (sentences and questions of the seed sources, the dev questions, SciFact and NFCorpus; other scripts, emoji, blank and over-long texts)`,
      columns: ['texts', 'lowest', '1st percentile', 'median', 'below 0.999'],
      rows: [
        [
          count(texts.length),
          fixed(Math.min(...cosines), 6),
          fixed(percentile(cosines, 0.01), 6),
          fixed(percentile(cosines, 0.5), 6),
          count(below),
        ],
      ],
    },
    {
      caption: `The engines side by side: ${count(passages.length)} ${passagesOf} passages read for meaning from scratch (${threads ?? 'the default number of'} worker threads; "once loaded" counts from the first worker's model loaded), ${count(questions.length)} ${questionsOf} questions embedded one at a time in the question worker, the model loaded in a fresh process`,
      columns: ['engine', 'passages / s', 'passages / s once loaded', 'passages s', 'question p50 ms', 'question p99 ms', 'load s', 'RSS before MB', 'RSS model loaded MB'],
      rows: [
        ...ENGINES.map(({ name }) => {
          const each = figures.get(name) as EngineFigures;
          return [
            each.engine,
            fixed(each.passagesPerSecond, 1),
            fixed(each.loadedPassagesPerSecond, 1),
            fixed(each.passagesSeconds, 1),
            fixed(each.questionP50, 1),
            fixed(each.questionP99, 1),
            fixed(each.loadSeconds, 2),
            count(each.rssBefore / 1024 ** 2),
            count(each.rssWithModel / 1024 ** 2),
          ];
        }),
        [
          'ratio (ONNX Runtime ÷ WebAssembly; times faster for times)',
          ratio(ours.passagesPerSecond / theirs.passagesPerSecond),
          ratio(ours.loadedPassagesPerSecond / theirs.loadedPassagesPerSecond),
          '',
          ratio(theirs.questionP50 / ours.questionP50),
          ratio(theirs.questionP99 / ours.questionP99),
          '',
          '',
          ratio(ours.rssWithModel / theirs.rssWithModel),
        ],
      ],
    },
  ];
  return { tables, notes: [] };
}
