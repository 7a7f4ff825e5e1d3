/**
 * The vector index against an exact scan of every sentence vector, at SciFact's size and at 100,000 passages: how
 * many of the exact closest vectors it finds (recall@100), whether rankings change (nDCG@10), what a whole hybrid
 * question costs (its embedding included), and what building and reading the index costs.
 *
 * The 100,000-passage corpus is SciFact and NFCorpus, copied with distinct ids as often as needed (as in the speed
 * part): its passages' vectors are those of the two corpora, copied into its own store rather than computed again,
 * and a copy of a document counts as the document in the judgments.
 */
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { splitIntoPassages } from '../src/corpus/passages.js';
import { Library } from '../src/library.js';
import { DEFAULT_FUSION } from '../src/semantic/hybrid.js';
import minilm from '../src/semantic/minilm.js';
import type { VectorSearch } from '../src/semantic/passage-vectors.js';
import { indexKey, VectorIndex } from '../src/semantic/vector-index.js';
import { VectorStore } from '../src/semantic/vector-store.js';
import { BEIR_DATASETS, documentIdOf, loadBeir, replicate, sourceOf, type BeirDataset } from './beir.js';
import { REPO_ROOT } from './child.js';
import { count, fixed, type Table } from './markdown.js';
import { mean, ndcgAt, percentile } from './metrics.js';

export interface VectorSearchOptions {
  readonly beirDir: string;
  readonly vectorCache: string;
  readonly quick: boolean;
}

const RECALL_AT = 100;
const RANKED_DOCUMENTS = 100;
const PASSAGES_PER_DOCUMENT = 10;
const LARGE_CORPUS_PASSAGES = 100_000;

/** A copy of a document ("4983~2") is the document ("4983") for the judgments. */
function originalDocument(file: string): string {
  return documentIdOf(file).replace(/~\d+$/, '');
}

function storeFileOf(vectorCache: string, dataDir: string): string {
  return VectorStore.fileFor(vectorCache, minilm.id, dataDir);
}

interface CorpusUnderTest {
  readonly label: string;
  readonly library: Library;
  readonly storeFile: string;
  /** Questions asked of it, judged ones first: fewer at 100,000 passages, where each scan takes a large fraction of a second. */
  readonly questions: number | undefined;
}

/** SciFact questions asked of the 100,000-passage corpus (through the index and by a scan each). */
const LARGE_CORPUS_QUESTIONS = 300;

/** Starts hybrid search with the given vector search and waits for it; the seconds it took. */
async function startHybrid(library: Library, vectorCache: string, search: VectorSearch): Promise<number> {
  const started = performance.now();
  await library.startSemanticSearch({ fusion: DEFAULT_FUSION, cacheDir: vectorCache, search }, (message) =>
    console.error(`warning: ${message}`),
  );
  if (!(await library.semanticSearchComplete())) throw new Error('hybrid search could not start');
  const status = library.searchStatus;
  if (status.mode === 'hybrid' && status.progress.passagesDone !== status.progress.passagesStored) {
    throw new Error('vectors were computed: the benchmark expects them stored (run the hybrid search part first)');
  }
  return (performance.now() - started) / 1000;
}

async function nDcg(library: Library, dataset: BeirDataset, queries: BeirDataset['judgedQueries']): Promise<number> {
  const scores: number[] = [];
  for (const query of queries) {
    const ranked = new Set<string>();
    for (const { passage } of await library.rank(query.text, RANKED_DOCUMENTS * PASSAGES_PER_DOCUMENT)) {
      ranked.add(originalDocument(passage.file));
      if (ranked.size === RANKED_DOCUMENTS) break;
    }
    scores.push(ndcgAt(10, [...ranked], dataset.judgments.get(query.id) ?? new Map<string, number>()));
  }
  return mean(scores);
}

/**
 * A whole hybrid question as the bot answers it: read for meaning in its worker thread, ranked, answered; on a freshly
 * started search, so that no question's vector is remembered.
 */
async function questionLatencies(library: Library, questions: readonly string[]): Promise<number[]> {
  await library.answer('warm-up');
  const samples: number[] = [];
  for (const question of questions) {
    const started = performance.now();
    await library.answer(question, { top: 10 });
    samples.push(performance.now() - started);
  }
  return samples;
}

/** The questions' vectors, embedded on this thread. */
async function embedded(questions: readonly string[]): Promise<Float32Array[]> {
  return (await minilm.load({ threads: 2 })).embed(questions);
}

/** Recall@100 of the index (built afresh, as PassageVectors builds it) against an exact scan of the same vectors. */
async function indexRecall(
  storeFile: string,
  queryVectors: readonly Float32Array[],
): Promise<{ recall: number; vectors: number; buildSeconds: number; searchMs: number; scanMs: number }> {
  const store = await VectorStore.open(storeFile, minilm.id, minilm.dimensions);
  const dimensions = minilm.dimensions;
  const rows = new Float32Array(store.size * dimensions);
  const live = new Map<bigint, number>();
  const keys: bigint[] = [];
  for (const [key, vector] of store.entries()) {
    rows.set(vector, live.size * dimensions);
    keys.push(indexKey(key));
    live.set(indexKey(key), live.size);
  }
  const started = performance.now();
  const index = (await VectorIndex.sync({ file: undefined, dimensions, threads: 2, live, rows })) as VectorIndex;
  const buildSeconds = (performance.now() - started) / 1000;
  const recalls: number[] = [];
  const searchTimes: number[] = [];
  const scanTimes: number[] = [];
  const similarities = new Float32Array(live.size);
  const order = new Uint32Array(live.size);
  for (const query of queryVectors) {
    let at = performance.now();
    const found = index.search(query, RECALL_AT).keys;
    searchTimes.push(performance.now() - at);
    at = performance.now();
    for (let row = 0; row < live.size; row++) {
      let dot = 0;
      const offset = row * dimensions;
      for (let dimension = 0; dimension < dimensions; dimension++) {
        dot += (rows[offset + dimension] as number) * (query[dimension] as number);
      }
      similarities[row] = dot;
      order[row] = row;
    }
    const exact = new Set(
      [...order]
        .sort((a, b) => (similarities[b] as number) - (similarities[a] as number))
        .slice(0, RECALL_AT)
        .map((row) => keys[row] as bigint),
    );
    scanTimes.push(performance.now() - at);
    recalls.push([...found].filter((key) => exact.has(key)).length / Math.min(RECALL_AT, exact.size));
  }
  return {
    recall: mean(recalls),
    vectors: live.size,
    buildSeconds,
    searchMs: percentile(searchTimes, 0.5),
    scanMs: percentile(scanTimes, 0.5),
  };
}

async function largeCorpus(options: VectorSearchOptions, datasets: readonly BeirDataset[]): Promise<CorpusUnderTest> {
  const documents = datasets.flatMap((dataset) => dataset.documents);
  const passagesOf = new Map(documents.map((document) => [document.id, 0]));
  const sources = [];
  let passages = 0;
  // The corpus in rounds of every document, up to the first that brings it to 100,000 passages.
  for (const document of replicate(documents, documents.length * 12)) {
    if (passages >= LARGE_CORPUS_PASSAGES) break;
    const source = sourceOf(document);
    sources.push(source);
    const original = document.id.replace(/~\d+$/, '');
    if (passagesOf.get(original) === 0) passagesOf.set(original, splitIntoPassages(source).length);
    passages += passagesOf.get(original) ?? 0;
  }
  const dataDir = path.join(REPO_ROOT, 'bench', 'beir-100k');
  const library = new Library(dataDir, sources);
  const storeFile = storeFileOf(options.vectorCache, dataDir);
  const store = await VectorStore.open(storeFile, minilm.id, minilm.dimensions);
  for (const { name } of BEIR_DATASETS) {
    const source = await VectorStore.open(storeFileOf(options.vectorCache, path.join(REPO_ROOT, 'bench', name)), minilm.id, minilm.dimensions);
    await store.add([...source.entries()].filter(([key]) => !store.has(key)));
  }
  return {
    label: `SciFact + NFCorpus replicated, ${count(library.passages.length)} passages`,
    library,
    storeFile,
    questions: LARGE_CORPUS_QUESTIONS,
  };
}

export async function measureVectorSearch(options: VectorSearchOptions): Promise<Table[]> {
  const datasets = await Promise.all(BEIR_DATASETS.map(({ name, split }) => loadBeir(options.beirDir, name, split)));
  const scifact = datasets[0] as BeirDataset;
  const scifactDir = path.join(REPO_ROOT, 'bench', 'scifact');
  const scifactLibrary = new Library(scifactDir, scifact.documents.map(sourceOf));
  const corpora: CorpusUnderTest[] = [
    {
      label: `SciFact, ${count(scifactLibrary.passages.length)} passages`,
      library: scifactLibrary,
      storeFile: storeFileOf(options.vectorCache, scifactDir),
      questions: options.quick ? 100 : undefined,
    },
  ];
  if (!options.quick) corpora.push(await largeCorpus(options, datasets));

  const rows: string[][] = [];
  const indexRows: string[][] = [];
  const recallQuestions = options.quick ? 50 : 300;
  for (const corpus of corpora) {
    const { library } = corpus;
    // The index built from scratch, then read as a restart reads it.
    const indexFile = `${corpus.storeFile}.index`;
    await rm(indexFile, { force: true });
    await rm(`${indexFile}.keys`, { force: true });
    const buildSeconds = await startHybrid(library, options.vectorCache, 'index');
    const indexMegabytes = (await stat(indexFile)).size / 1024 ** 2;
    const judged = scifact.judgedQueries.slice(0, corpus.questions);
    const latencyQuestions = scifact.allQueries.map((query) => query.text).slice(0, corpus.questions);
    const indexNdcg = await nDcg(library, scifact, judged);
    // Started again (the index read from its file), so that no question's vector is remembered for the latencies.
    const openSeconds = await startHybrid(library, options.vectorCache, 'index');
    const byIndex = { ndcg: indexNdcg, latencies: await questionLatencies(library, latencyQuestions) };
    const scanSeconds = await startHybrid(library, options.vectorCache, 'scan');
    const byScan = { latencies: await questionLatencies(library, latencyQuestions), ndcg: await nDcg(library, scifact, judged) };
    library.close();

    const recall = await indexRecall(corpus.storeFile, await embedded(judged.slice(0, recallQuestions).map((query) => query.text)));
    for (const [name, result] of [['index', byIndex], ['exact scan', byScan]] as const) {
      rows.push([
        corpus.label,
        name,
        count(judged.length),
        fixed(result.ndcg, 4),
        count(result.latencies.length),
        fixed(percentile(result.latencies, 0.5), 1),
        fixed(percentile(result.latencies, 0.99), 1),
      ]);
    }
    indexRows.push([
      corpus.label,
      count(recall.vectors),
      fixed(recall.recall, 4),
      fixed(recall.searchMs, 2),
      fixed(recall.scanMs, 1),
      fixed(buildSeconds, 1),
      fixed(openSeconds, 1),
      fixed(scanSeconds, 1),
      fixed(indexMegabytes, 1),
    ]);
  }
  return [
    {
      caption:
        'A whole hybrid question (`library.answer`, top 10: read for meaning in the question worker, ranked, judged), through the vector index and through an exact scan of every sentence vector; nDCG@10 on SciFact train',
      columns: ['corpus', 'vector search', 'judged questions', 'SciFact train nDCG@10', 'questions', 'p50 ms', 'p99 ms'],
      rows,
    },
    {
      caption: `The vector index (usearch HNSW, bfloat16) against an exact scan: recall@${RECALL_AT} of the closest vectors over ${recallQuestions} SciFact questions; start-up with the index built, read, or no index`,
      columns: [
        'corpus',
        'distinct vectors',
        `recall@${RECALL_AT}`,
        'index search p50 ms',
        'scan p50 ms',
        'hybrid ready, index built s',
        'index read s',
        'no index s',
        'index MB',
      ],
      rows: indexRows,
    },
  ];
}
