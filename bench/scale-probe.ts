/**
 * One scale point, measured in a process of its own so that its heap holds nothing else (run by bench/scale.ts with
 * --expose-gc). Prints one JSON line: ScaleProbeResult.
 *
 *   build:      reads the data folder, builds the passages and index, persists them, then times questions.
 *   cold-start: opens the same folder from the persisted index, as the bot and the CLI do when nothing changed.
 */
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadSources } from '../src/corpus/load.js';
import { IndexCache } from '../src/search/persist.js';
import { indexPassages, Library, readSynonyms } from '../src/library.js';

export interface ScaleProbeSpec {
  readonly step: 'build' | 'cold-start';
  readonly dataDir: string;
  readonly cacheDir: string;
  readonly questions: readonly string[];
  /** The same questions cut as if still being typed, for autocomplete. */
  readonly partials: readonly string[];
  /** Questions asked first and not timed, so that the timings are of compiled code. */
  readonly warmUp: number;
}

export interface ScaleProbeResult {
  readonly sources: number;
  readonly passages: number;
  /** Characters of source text. */
  readonly textChars: number;
  /** Heap used after a full GC, less the heap before the folder was read. */
  readonly heapBytes: number;
  /** build: reading the folder; cold-start: the whole Library.open. */
  readonly readMs: number;
  readonly buildMs?: number;
  readonly persistMs?: number;
  readonly coldStartMs?: number;
  /** Milliseconds from the process's start to the library being ready (Node and module loading included). */
  readonly readyAfterProcessStartMs: number;
  readonly askMs?: number[];
  readonly suggestMs?: number[];
  /** A hash of the top ten passages and scores for every question: equal across steps when results are the same. */
  readonly resultsDigest: string;
}

/** As the bot asks: /ask pages through ten matches, autocomplete offers Discord's limit of 25 choices. */
const MATCHES_PER_QUESTION = 10;
const AUTOCOMPLETE_CHOICES = 25;

const gc = (globalThis as { gc?: () => void }).gc;

function heapAfterGc(): number {
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  return process.memoryUsage().heapUsed;
}

async function timeEach(
  questions: readonly string[],
  warmUp: number,
  run: (question: string) => unknown,
): Promise<number[]> {
  // A synchronous call (autocomplete) is timed without a turn of the event loop.
  const runOnce = async (question: string) => {
    const result = run(question);
    if (result instanceof Promise) await result;
  };
  for (const question of questions.slice(0, warmUp)) await runOnce(question);
  const samples: number[] = [];
  for (const question of questions) {
    const started = performance.now();
    await runOnce(question);
    samples.push(performance.now() - started);
  }
  return samples;
}

async function digestOf(library: Library, questions: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const question of questions) {
    for (const { passage, score } of await library.rank(question, 10)) hash.update(`${passage.id}:${score}\n`);
    for (const { id, score } of library.suggest(question.slice(0, Math.ceil(question.length / 2)), 10)) {
      hash.update(`${id}:${score}\n`);
    }
  }
  return hash.digest('hex').slice(0, 16);
}

async function probe(spec: ScaleProbeSpec): Promise<ScaleProbeResult> {
  const heapBefore = heapAfterGc();
  const warn = (message: string) => console.error(`warning: ${message}`);
  if (spec.step === 'cold-start') {
    const started = performance.now();
    const library = await Library.open({ dataDir: spec.dataDir, cacheDir: spec.cacheDir, warn });
    const coldStartMs = performance.now() - started;
    const readyAfterProcessStartMs = performance.now();
    return {
      sources: library.sources.length,
      passages: library.passages.length,
      textChars: library.sources.reduce((sum, source) => sum + source.text.length, 0),
      heapBytes: heapAfterGc() - heapBefore,
      readMs: coldStartMs,
      coldStartMs,
      readyAfterProcessStartMs,
      resultsDigest: await digestOf(library, spec.questions),
    };
  }

  // What Library.open does with an empty cache, step by step, to time each step.
  let started = performance.now();
  const sources = await loadSources(spec.dataDir, warn);
  const synonyms = await readSynonyms(spec.dataDir, warn);
  const readMs = performance.now() - started;
  started = performance.now();
  const built = indexPassages(sources, synonyms);
  const buildMs = performance.now() - started;
  started = performance.now();
  await new IndexCache(spec.cacheDir, spec.dataDir, sources, synonyms).save(built, warn);
  const persistMs = performance.now() - started;
  const library = new Library(path.resolve(spec.dataDir), sources, synonyms, built);
  const readyAfterProcessStartMs = performance.now();
  const heapBytes = heapAfterGc() - heapBefore;
  return {
    sources: sources.length,
    passages: library.passages.length,
    textChars: sources.reduce((sum, source) => sum + source.text.length, 0),
    heapBytes,
    readMs,
    buildMs,
    persistMs,
    readyAfterProcessStartMs,
    askMs: await timeEach(spec.questions, spec.warmUp, (question) => library.answer(question, { top: MATCHES_PER_QUESTION })),
    suggestMs: await timeEach(spec.partials, spec.warmUp, (partial) => library.suggest(partial, AUTOCOMPLETE_CHOICES)),
    resultsDigest: await digestOf(library, spec.questions),
  };
}

const specFile = process.argv[2];
if (specFile === undefined) throw new Error('usage: node --expose-gc --import tsx bench/scale-probe.ts SPEC.json');
const spec = JSON.parse(await readFile(specFile, 'utf8')) as ScaleProbeSpec;
process.stdout.write(`${JSON.stringify(await probe(spec))}\n`);
