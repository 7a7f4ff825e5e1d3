/** Part 2: build time, heap, query latency and cold start at each corpus size, each measured in a fresh process. */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { splitIntoPassages } from '../src/corpus/passages.js';
import {
  documentFileName,
  documentFileText,
  loadBeir,
  replicate,
  sampleDataset,
  sourceOf,
  type BeirDataset,
  type BeirDocument,
} from './beir.js';
import { REPO_ROOT, runScript } from './child.js';
import { count, fixed, type Section, type Table } from './markdown.js';
import { percentile } from './metrics.js';
import { cycle, partialOf, seedQuestions } from './questions.js';
import type { ScaleProbeResult, ScaleProbeSpec } from './scale-probe.js';

export interface ScaleOptions {
  readonly beirDir: string | undefined;
  readonly dataDir: string;
  readonly devQuestionsFile: string;
  /** Where corpora are written as data folders and kept for later runs (git-ignored). */
  readonly workDir: string;
  readonly quick: boolean;
}

interface ScalePoint {
  readonly label: string;
  readonly dataDir: string;
  readonly questions: readonly string[];
}

const PROBE = path.join(REPO_ROOT, 'bench', 'scale-probe.ts');
const MB = 1024 * 1024;

/**
 * Writes the documents as a data folder, once, and keeps it for later runs: a hidden marker (which the loader skips)
 * names the documents it holds. The folder is written under another name and renamed when whole, so that two runs at
 * once never read half a folder.
 */
async function writeDataFolder(dir: string, documents: readonly BeirDocument[]): Promise<void> {
  const marker = path.join(dir, '.complete');
  const signature = `${documents.length} ${documents[0]?.id} ${documents.at(-1)?.id}`;
  if (existsSync(marker) && (await readFile(marker, 'utf8')) === signature) return;
  const partial = `${dir}.${process.pid}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  const batch = 256;
  for (let start = 0; start < documents.length; start += batch) {
    await Promise.all(
      documents
        .slice(start, start + batch)
        .map((document) => writeFile(path.join(partial, documentFileName(document)), documentFileText(document))),
    );
  }
  await writeFile(path.join(partial, '.complete'), signature);
  await rm(dir, { recursive: true, force: true });
  await rename(partial, dir);
}

/** The documents, replicated as needed, up to the first that brings the corpus to `passages` passages. */
function documentsForPassages(documents: readonly BeirDocument[], passages: number): BeirDocument[] {
  const perDocument = documents.map((document) => splitIntoPassages(sourceOf(document)).length);
  const perRound = perDocument.reduce((sum, value) => sum + value, 0);
  const rounds = Math.ceil(passages / Math.max(1, perRound));
  const candidates = replicate(documents, rounds * documents.length);
  let total = 0;
  const chosen: BeirDocument[] = [];
  for (const [index, document] of candidates.entries()) {
    if (total >= passages) break;
    chosen.push(document);
    total += perDocument[index % documents.length] ?? 0;
  }
  return chosen;
}

async function scalePoints(options: ScaleOptions, questionCount: number): Promise<ScalePoint[]> {
  const points: ScalePoint[] = [
    { label: 'seed documents', dataDir: options.dataDir, questions: cycle(await seedQuestions(options.devQuestionsFile), questionCount) },
  ];
  if (options.beirDir === undefined) return points;
  const corpusDir = (name: string) => path.join(options.workDir, 'corpora', name);
  const beirPoint = async (label: string, name: string, dataset: BeirDataset): Promise<ScalePoint> => {
    await writeDataFolder(corpusDir(name), dataset.documents);
    return { label, dataDir: corpusDir(name), questions: cycle(dataset.allQueries.map((query) => query.text), questionCount) };
  };
  const scifact = await loadBeir(options.beirDir, 'scifact', 'train');
  const nfcorpus = await loadBeir(options.beirDir, 'nfcorpus', 'dev');
  const together = [...scifact.documents, ...nfcorpus.documents];
  const mixedQueries = scifact.allQueries.flatMap((query, index) => [query, ...(nfcorpus.allQueries[index] ? [nfcorpus.allQueries[index]] : [])]);
  const atScale = async (label: string, name: string, passages: number) => {
    const documents = documentsForPassages(together, passages);
    return beirPoint(label, name, { ...scifact, name, documents, allQueries: mixedQueries });
  };
  if (options.quick) {
    points.push(await beirPoint('SciFact, 300 documents', 'scifact-300', sampleDataset(scifact, 300, questionCount)));
    points.push(await atScale('SciFact + NFCorpus, ≥ 5,000 passages', 'beir-5k', 5_000));
  } else {
    points.push(await beirPoint('SciFact', 'scifact', scifact));
    points.push(await beirPoint('NFCorpus', 'nfcorpus', nfcorpus));
    points.push(await atScale('SciFact + NFCorpus replicated, ≥ 100,000 passages', 'beir-100k', 100_000));
  }
  return points;
}

async function runProbe(spec: ScaleProbeSpec, specFile: string): Promise<ScaleProbeResult> {
  await writeFile(specFile, JSON.stringify(spec));
  const output = await runScript(PROBE, [specFile], ['--expose-gc']);
  return JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as ScaleProbeResult;
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir).catch(() => [])) total += (await stat(path.join(dir, name))).size;
  return total;
}

interface Measured {
  readonly point: ScalePoint;
  readonly built: ScaleProbeResult;
  readonly restored: ScaleProbeResult;
  readonly cacheBytes: number;
}

const ms = (value: number | undefined) => fixed(value, 1);
const seconds = (value: number | undefined) => fixed(value === undefined ? undefined : value / 1000, 2);

function tables(measured: readonly Measured[]): Table[] {
  return [
    {
      caption:
        'Build and memory (a fresh process per corpus; JS heap used after a full GC, less the heap before: the ' +
        "index's postings are typed arrays outside that heap, a little smaller than the index file)",
      columns: ['corpus', 'sources', 'passages', 'text MB', 'read folder s', 'build s', 'persist s', 'heap MB', 'heap ÷ text'],
      rows: measured.map(({ point, built }) => [
        point.label,
        count(built.sources),
        count(built.passages),
        fixed(built.textChars / MB, 1),
        seconds(built.readMs),
        seconds(built.buildMs),
        seconds(built.persistMs),
        fixed(built.heapBytes / MB, 1),
        `${fixed(built.heapBytes / Math.max(1, built.textChars), 1)}×`,
      ]),
    },
    {
      caption: 'Query latency in the core, ms (`library.ask` as /ask asks, top 10; `library.suggest` as autocomplete, 25)',
      columns: ['corpus', 'passages', 'questions', 'ask p50', 'ask p99', 'suggest p50', 'suggest p99'],
      rows: measured.map(({ point, built }) => [
        point.label,
        count(built.passages),
        count(built.askMs?.length ?? 0),
        ms(percentile(built.askMs ?? [], 0.5)),
        ms(percentile(built.askMs ?? [], 0.99)),
        ms(percentile(built.suggestMs ?? [], 0.5)),
        ms(percentile(built.suggestMs ?? [], 0.99)),
      ]),
    },
    {
      caption: 'Cold start from the persisted index (a fresh process; `Library.open` reads the folder, then the index)',
      columns: ['corpus', 'passages', 'index file MB', 'Library.open ms', 'ready after process start ms', 'heap MB', 'same results as built'],
      rows: measured.map(({ point, built, restored, cacheBytes }) => [
        point.label,
        count(restored.passages),
        fixed(cacheBytes / MB, 1),
        ms(restored.coldStartMs),
        ms(restored.readyAfterProcessStartMs),
        fixed(restored.heapBytes / MB, 1),
        restored.resultsDigest === built.resultsDigest ? 'yes' : 'NO',
      ]),
    },
  ];
}

export async function measureScale(options: ScaleOptions): Promise<Section> {
  const questionCount = options.quick ? 50 : 300;
  const warmUp = options.quick ? 5 : 20;
  const points = await scalePoints(options, questionCount);
  // This run's persisted indexes and probe specifications, apart from any other run's, and removed after it.
  const runDir = path.join(options.workDir, `run-${process.pid}`);
  const measured: Measured[] = [];
  try {
    for (const [index, point] of points.entries()) {
      const cacheDir = path.join(runDir, `index-${index}`);
      const partials = point.questions.map(partialOf);
      const spec = { dataDir: point.dataDir, cacheDir, questions: point.questions, partials, warmUp };
      const specFile = path.join(runDir, `probe-${index}.json`);
      await mkdir(runDir, { recursive: true });
      const built = await runProbe({ ...spec, step: 'build' }, specFile);
      const restored = await runProbe({ ...spec, step: 'cold-start' }, specFile);
      measured.push({ point, built, restored, cacheBytes: await folderBytes(cacheDir) });
    }
  } finally {
    await rm(runDir, { recursive: true, force: true });
  }
  const notes = [
    'Goals: query p99 ≤ 5 ms at SciFact size and ≤ 25 ms at 100,000 passages; cold start ≤ 500 ms at SciFact size; ' +
      'memory roughly linear in the corpus.',
  ];
  if (options.beirDir === undefined) notes.push('BEIR data not found: only the seed documents were measured.');
  return {
    title: 'Speed and scale',
    intro: [
      'Each corpus is a data folder on disk (BEIR documents written one file each, as in part 1) and is measured in ' +
        'two fresh Node processes: the first reads and builds it, persists the index and times questions; the second ' +
        'opens it from the persisted index. The ≥ 100,000-passage corpus is SciFact and NFCorpus together, copied ' +
        'with distinct ids as often as needed: a test of speed and memory only. Autocomplete is timed on each ' +
        'question cut to 60% of its length, as if still being typed.',
    ],
    tables: tables(measured),
    notes,
  };
}
