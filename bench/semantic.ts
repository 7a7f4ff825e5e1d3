/**
 * Part 4 of `npm run bench` (`--only semantic`), or alone: `npx tsx bench/semantic.ts [--quick] [--beir DIR]
 * [--dev FILE] [--threads N]`
 *
 * Hybrid search beside lexical search: retrieval quality on the dev questions and on BEIR (SciFact train, NFCorpus
 * dev), the fusion weight that the default comes from, refusals of questions the sources do not answer (and the
 * cosine floor that keeps them refused), and the costs: build time with and without vectors, query latency, memory.
 * Prints markdown tables.
 *
 * Passage vectors are kept in .cache/vectors, one file per corpus, as the CLI and the bot keep theirs: the first full
 * run computes them (all of SciFact takes a quarter of an hour or more on two cores), later runs reuse them. --quick
 * measures the seed sources only.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { evaluate, summarise, type EvalQuestion } from '../src/eval.js';
import { Library } from '../src/library.js';
import { DEFAULT_FUSION, type FusionSettings } from '../src/semantic/hybrid.js';
import minilm from '../src/semantic/minilm.js';
import { PassageVectors } from '../src/semantic/passage-vectors.js';
import { terminalProgress } from '../src/semantic/progress.js';
import { DEFAULT_VECTOR_CACHE_DIR, VectorStore } from '../src/semantic/vector-store.js';
import { BEIR_DATASETS, documentIdOf, loadBeir, sourceOf, type BeirDataset } from './beir.js';
import { measureEngines } from './engines.js';
import { count, fixed, renderSection, type Section, type Table } from './markdown.js';
import { mean, ndcgAt, percentile, recallAt } from './metrics.js';
import { measureVectorSearch } from './vector-search.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const VECTOR_CACHE = path.join(ROOT, DEFAULT_VECTOR_CACHE_DIR);

const RANKED_DOCUMENTS = 100;
/** A document holds two passages on average and ranks where its best does: ten passages a document leave room. */
const PASSAGES_PER_DOCUMENT = 10;
const DEV_TOP = 10;
/** The lexical share of the interpolation, as swept to choose the default. */
const SWEPT_WEIGHTS = [0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];

/**
 * Questions the seed sources do not answer, several of them in the sources' own words (London, police, council,
 * Soho, women): what the cosine floor must keep refused.
 */
const OFF_TOPIC = [
  'What is the weather in Leeds?',
  'how do I reset my password',
  'What is the capital of France?',
  'Who won the World Cup in 2018?',
  'How do I bake sourdough bread?',
  "What's the best pizza in New York?",
  'What time is it in Tokyo?',
  'How tall is the Eiffel Tower?',
  'Can you recommend a good laptop for gaming?',
  'What is the weather in London today?',
  'Who is the president of the United States?',
  'how to install python on windows',
  'What are the symptoms of diabetes?',
  'When does the next train to Manchester leave?',
  'How many calories are in a banana?',
  'What is the meaning of life?',
  'Tell me a joke',
  'What football team does the council leader support?',
  'How much does a London bus ticket cost?',
  'Is it going to rain tomorrow in Soho?',
  'Where can I park near the police station?',
  'How do I apply for a council tax discount?',
  'What are the opening hours of the library in Soho?',
  'Which London borough has the most parks?',
  'How do I report a lost passport?',
  'Who painted the Mona Lisa?',
  'What is the best way to learn French?',
  'How many women have won the Nobel Prize in physics?',
  'What should I cook for dinner tonight?',
  'How do I change a flat tyre?',
  'Can the police help me find my lost cat?',
  'Which council runs the bin collections in Redbridge?',
];

interface Mode {
  readonly name: string;
  /** Undefined: lexical. */
  readonly fusion: FusionSettings | undefined;
}

const MODES: readonly Mode[] = [
  { name: 'lexical', fusion: undefined },
  { name: `hybrid, interpolation ${DEFAULT_FUSION.lexicalWeight} (default)`, fusion: DEFAULT_FUSION },
  { name: 'hybrid, RRF k=60', fusion: { method: 'rrf', lexicalWeight: DEFAULT_FUSION.lexicalWeight } },
  { name: 'dense only (interpolation 0)', fusion: { method: 'interpolation', lexicalWeight: 0 } },
];

const seconds = (from: number) => (performance.now() - from) / 1000;
const megabytes = (bytes: number) => count(bytes / 1024 ** 2);

/** The highest resident set size seen while `work` runs, sampled every 50 ms: worker threads count too. */
async function peakRss<T>(work: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  try {
    const result = await work();
    return { result, peak: Math.max(peak, process.memoryUsage().rss) };
  } finally {
    clearInterval(timer);
  }
}

/** Starts (or restarts, with other fusion settings) hybrid search, and waits for every passage's vectors. */
async function hybrid(
  library: Library,
  fusion: FusionSettings,
  threads: number | undefined,
): Promise<{ computed: number; seconds: number }> {
  const started = performance.now();
  await library.startSemanticSearch(
    { fusion, cacheDir: VECTOR_CACHE, threads, onProgress: terminalProgress(process.stderr) },
    (message) => console.error(`warning: ${message}`),
  );
  if (!(await library.semanticSearchComplete())) throw new Error('passage vectors could not be computed');
  const status = library.searchStatus;
  const computed = status.mode === 'hybrid' ? status.progress.passagesDone - status.progress.passagesStored : 0;
  return { computed, seconds: seconds(started) };
}

/** Documents for a query, ranked where their best passage ranks. */
async function rankDocuments(library: Library, query: string): Promise<string[]> {
  const ranked = new Set<string>();
  for (const { passage } of await library.rank(query, RANKED_DOCUMENTS * PASSAGES_PER_DOCUMENT)) {
    ranked.add(documentIdOf(passage.file));
    if (ranked.size === RANKED_DOCUMENTS) break;
  }
  return [...ranked];
}

interface BeirScore {
  readonly ndcg10: number;
  readonly recall100: number;
}

async function scoreBeir(library: Library, dataset: BeirDataset): Promise<BeirScore> {
  const ndcgs: number[] = [];
  const recalls: number[] = [];
  for (const query of dataset.judgedQueries) {
    const ranked = await rankDocuments(library, query.text);
    const judgments = dataset.judgments.get(query.id) ?? new Map<string, number>();
    ndcgs.push(ndcgAt(10, ranked, judgments));
    recalls.push(recallAt(RANKED_DOCUMENTS, ranked, judgments));
  }
  return { ndcg10: mean(ndcgs), recall100: mean(recalls) };
}

interface DevScore {
  readonly hitAt1: number;
  readonly hitAt3: number;
  readonly mrr: number;
  readonly answered: number;
}

async function scoreDev(library: Library, questions: readonly EvalQuestion[]): Promise<DevScore> {
  const outcomes = await evaluate(library, questions, DEV_TOP);
  return { ...summarise(outcomes), answered: outcomes.filter((outcome) => outcome.answer.answered).length };
}

/**
 * Per-query latency of an answer as the bot computes it: the question embedded when hybrid, then ranked. Run on a
 * freshly started hybrid search, so that no question's vector is remembered yet.
 */
async function latencies(library: Library, questions: readonly string[]): Promise<number[]> {
  // The model that embeds questions is loaded when the vectors are complete: that is start-up, not a question.
  await library.answer('warm-up');
  const samples: number[] = [];
  for (const question of questions) {
    const started = performance.now();
    await library.answer(question, { top: DEV_TOP });
    samples.push(performance.now() - started);
  }
  return samples;
}

interface Corpus {
  readonly label: string;
  readonly library: Library;
  readonly lexicalBuildSeconds: number;
  readonly vectors: { computed: number; seconds: number };
  readonly dataset?: BeirDataset;
  readonly dev?: readonly EvalQuestion[];
}

export interface SemanticBenchOptions {
  /** The folder holding BEIR's scifact/ and nfcorpus/; undefined: BEIR is skipped. */
  readonly beirDir: string | undefined;
  /** The dev questions (skipped when the file is missing). */
  readonly devQuestionsFile: string;
  /** The seed sources only: no BEIR corpus, whose vectors take minutes to tens of minutes the first time. */
  readonly quick: boolean;
  /** Worker threads that compute passage vectors (default: see src/semantic/pool.ts). */
  readonly threads?: number;
}

export async function measureSemantic(options: SemanticBenchOptions): Promise<Section> {
  const { threads, quick } = options;
  const beirDir = options.beirDir ?? '';
  const devFile = options.devQuestionsFile;
  const rssAtStart = process.memoryUsage().rss;

  // The model alone: loading it on this thread, and embedding one question.
  const loadStarted = performance.now();
  const embedder = await minilm.load();
  const modelLoadSeconds = seconds(loadStarted);
  const rssWithModel = process.memoryUsage().rss;

  // The seed sources from scratch (vectors in a throwaway store): build time and peak memory with worker threads.
  const seedDir = path.join(ROOT, 'data');
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'citebot-bench-vectors-'));
  let seedFromScratch: { seconds: number; peak: number; passages: number };
  try {
    const seed = await Library.open({ dataDir: seedDir });
    const { result, peak } = await peakRss(async () => {
      const started = performance.now();
      const vectors = await PassageVectors.start(seed.passages, {
        model: minilm,
        storeFile: VectorStore.fileFor(scratch, minilm.id, seedDir),
        threads,
      });
      if (!(await vectors.complete)) throw new Error('the seed sources could not be embedded');
      return seconds(started);
    });
    seedFromScratch = { seconds: result, peak, passages: seed.passages.length };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }

  const corpora: Corpus[] = [];
  const devQuestions = existsSync(devFile)
    ? (await readFile(devFile, 'utf8'))
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as EvalQuestion)
    : undefined;
  {
    const started = performance.now();
    const library = await Library.open({ dataDir: seedDir });
    const lexicalBuildSeconds = seconds(started);
    const vectors = await hybrid(library, DEFAULT_FUSION, threads);
    corpora.push({ label: 'seed sources', library, lexicalBuildSeconds, vectors, dev: devQuestions });
  }
  const beirAvailable =
    !quick && BEIR_DATASETS.every(({ name }) => existsSync(path.join(beirDir, name, 'corpus.jsonl')));
  if (beirAvailable) {
    for (const { name, label, split } of BEIR_DATASETS) {
      const dataset = await loadBeir(beirDir, name, split);
      const started = performance.now();
      // Built in memory; the folder it is named after names its vector store only.
      const namedAfter = path.join(ROOT, 'bench', name);
      const library = new Library(namedAfter, dataset.documents.map(sourceOf));
      const lexicalBuildSeconds = seconds(started);
      console.error(`${label}: ${count(library.passages.length)} passages; reading them for meaning…`);
      const vectors = await hybrid(library, DEFAULT_FUSION, threads);
      corpora.push({ label: `${label} ${split}`, library, lexicalBuildSeconds, vectors, dataset });
    }
  }
  const rssAfterBuilds = process.memoryUsage().rss;

  // Quality per mode, and the weight sweep.
  const qualityRows: string[][] = [];
  const devRows: string[][] = [];
  const sweep = new Map<number, string[]>(SWEPT_WEIGHTS.map((weight) => [weight, [fixed(weight, 1)]]));
  const latencyRows: string[][] = [];
  for (const corpus of corpora) {
    const queries = corpus.dataset
      ? corpus.dataset.judgedQueries.map((query) => query.text)
      : (corpus.dev ?? []).map((question) => question.question);
    for (const mode of MODES) {
      if (mode.fusion) await hybrid(corpus.library, mode.fusion, threads);
      else corpus.library.stopSemanticSearch();
      if (corpus.dataset) {
        const score = await scoreBeir(corpus.library, corpus.dataset);
        const queryCount = count(corpus.dataset.judgedQueries.length);
        qualityRows.push([corpus.label, queryCount, mode.name, fixed(score.ndcg10, 3), fixed(score.recall100, 3)]);
      } else if (corpus.dev) {
        const score = await scoreDev(corpus.library, corpus.dev);
        const answered = `${score.answered} / ${corpus.dev.length}`;
        devRows.push([mode.name, fixed(score.hitAt1, 3), fixed(score.hitAt3, 3), fixed(score.mrr, 3), answered]);
      }
    }
    for (const weight of SWEPT_WEIGHTS) {
      await hybrid(corpus.library, { method: 'interpolation', lexicalWeight: weight }, threads);
      const row = sweep.get(weight) as string[];
      if (corpus.dataset) row.push(fixed((await scoreBeir(corpus.library, corpus.dataset)).ndcg10, 3));
      else if (corpus.dev) {
        const score = await scoreDev(corpus.library, corpus.dev);
        row.push(`${fixed(score.hitAt1, 3)} / ${fixed(score.hitAt3, 3)}`);
      }
    }
    const latencyQueries = corpus.dataset ? corpus.dataset.allQueries.map((query) => query.text) : queries;
    for (const hybridMode of [false, true]) {
      // Started afresh, so that no question's vector is remembered yet.
      if (hybridMode) await hybrid(corpus.library, DEFAULT_FUSION, threads);
      else corpus.library.stopSemanticSearch();
      const samples = await latencies(corpus.library, latencyQueries);
      latencyRows.push([
        corpus.label,
        hybridMode ? 'hybrid' : 'lexical',
        count(samples.length),
        fixed(percentile(samples, 0.5), 1),
        fixed(percentile(samples, 0.99), 1),
      ]);
    }
  }
  const rssAtEnd = process.memoryUsage().rss;
  for (const corpus of corpora) corpus.library.close();

  // The vector index against an exact scan, at SciFact's size and at 100,000 passages; then both engines side by side.
  const searchTables = beirAvailable ? await measureVectorSearch({ beirDir, vectorCache: VECTOR_CACHE, quick }) : [];
  const engines = await measureEngines({
    beirDir: beirAvailable ? beirDir : undefined,
    dataDir: seedDir,
    devQuestions: (devQuestions ?? []).map((question) => question.question),
    quick,
    threads,
  });

  // Refusals on the seed sources: the closest sentence's cosine for questions they answer and for ones they do not.
  const seed = corpora[0] as Corpus;
  const seedVectors = await PassageVectors.start(seed.library.passages, {
    model: minilm,
    storeFile: VectorStore.fileFor(VECTOR_CACHE, minilm.id, seedDir),
  });
  if (!(await seedVectors.complete)) throw new Error('the seed sources could not be embedded');
  const closest = async (question: string) => {
    const [vector] = await embedder.embed([question]);
    return seedVectors.similarities(vector as Float32Array).closest;
  };
  const offTopic = await Promise.all(OFF_TOPIC.map(closest));
  const onTopic = await Promise.all((devQuestions ?? []).map((question) => closest(question.question)));
  const refusalRows: string[][] = [];
  const refusalNotes: string[] = [];
  for (const mode of [MODES[0], MODES[1]] as Mode[]) {
    if (mode.fusion) await hybrid(seed.library, mode.fusion, threads);
    else seed.library.stopSemanticSearch();
    const answered = async (question: string) => (await seed.library.answer(question)).answered;
    const offAnswered: string[] = [];
    for (const question of OFF_TOPIC) if (await answered(question)) offAnswered.push(question);
    let devAnswered = 0;
    for (const { question } of devQuestions ?? []) if (await answered(question)) devAnswered++;
    refusalRows.push([
      mode.name,
      `${devAnswered} / ${devQuestions?.length ?? 0}`,
      `${offAnswered.length} / ${OFF_TOPIC.length}`,
    ]);
    if (offAnswered.length > 0) {
      const quoted = offAnswered.map((question) => `"${question}"`).join(', ');
      refusalNotes.push(`Off-topic questions answered in ${mode.name} mode: ${quoted}.`);
    }
  }

  const tables: Table[] = [];
  if (devQuestions) {
    tables.push({
      caption:
        `Dev questions on the seed sources (${devQuestions.length} questions, ` +
        `${seed.library.passages.length} passages, top ${DEV_TOP})`,
      columns: ['mode', 'hit@1', 'hit@3', 'MRR', 'answered'],
      rows: devRows,
    });
  }
  if (qualityRows.length > 0) {
    tables.push({
      caption: 'BEIR, the judgments used for tuning',
      columns: ['corpus, judgments', 'queries', 'mode', 'nDCG@10', 'Recall@100'],
      rows: qualityRows,
    });
  }
  tables.push({
    caption: 'The lexical weight of the interpolation (0: dense only; lexical alone is the first row above)',
    columns: [
      'lexical weight',
      ...corpora.map((corpus) => (corpus.dataset ? `${corpus.label} nDCG@10` : 'dev hit@1 / hit@3')),
    ],
    rows: [...sweep.values()],
  });
  tables.push({
    caption: `Refusals on the seed sources: ${OFF_TOPIC.length} questions they do not answer, beside the dev questions`,
    columns: ['mode', 'dev questions answered', 'off-topic questions answered'],
    rows: refusalRows,
  });
  const { answerFloor, subjectFloor, unrelatedCeiling } = minilm;
  const spread = (label: string, values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const share = (keep: (value: number) => boolean) => count(values.filter(keep).length);
    return [
      label,
      fixed(sorted[0], 2),
      fixed(percentile(values, 0.5), 2),
      fixed(sorted.at(-1), 2),
      share((value) => value < unrelatedCeiling),
      share((value) => value >= subjectFloor),
      share((value) => value >= answerFloor),
    ];
  };
  tables.push({
    caption:
      `Similarity of the sources' closest sentence to the question (${minilm.id}): under ${unrelatedCeiling} ` +
      `nothing is about it; from ${subjectFloor}, on its subject; from ${answerFloor}, an answer by meaning alone`,
    columns: [
      'questions',
      'lowest',
      'median',
      'highest',
      `under ${unrelatedCeiling}`,
      `from ${subjectFloor}`,
      `from ${answerFloor}`,
    ],
    rows: [spread('dev (answered by the sources)', onTopic), spread('off-topic', offTopic)],
  });
  tables.push({
    caption: 'Index build: lexical, and passage vectors (computed in worker threads, or read from .cache/vectors)',
    columns: ['corpus', 'passages', 'lexical s', 'vectors computed', 'vectors s'],
    rows: [
      [
        'seed sources, from scratch',
        count(seedFromScratch.passages),
        fixed(seed.lexicalBuildSeconds, 2),
        count(seedFromScratch.passages),
        fixed(seedFromScratch.seconds, 1),
      ],
      ...corpora.map((corpus) => [
        corpus.label,
        count(corpus.library.passages.length),
        fixed(corpus.lexicalBuildSeconds, 2),
        count(corpus.vectors.computed),
        fixed(corpus.vectors.seconds, 1),
      ]),
    ],
  });
  tables.push({
    caption: 'Query latency, ms: the question embedded (hybrid: in its worker thread), then ranked, top 10',
    columns: ['corpus', 'mode', 'queries', 'p50', 'p99'],
    rows: latencyRows,
  });
  tables.push({
    caption: 'Memory (resident set size of this process, MB)',
    columns: ['moment', 'RSS'],
    rows: [
      ['at start', megabytes(rssAtStart)],
      [`model loaded, as each thread that embeds loads it (${fixed(modelLoadSeconds, 2)} s)`, megabytes(rssWithModel)],
      [
        `peak while ${threads ?? 'the default number of'} worker threads computed the seed vectors`,
        megabytes(seedFromScratch.peak),
      ],
      ['every corpus built, vectors in memory', megabytes(rssAfterBuilds)],
      ['at the end', megabytes(rssAtEnd)],
    ],
  });
  tables.push(...engines.tables, ...searchTables);
  const section: Section = {
    title: 'Hybrid search',
    intro: [
      `Measured with ${minilm.id} on ${os.cpus().length} cores ` +
        `(load average ${os.loadavg().map((load) => load.toFixed(1)).join(' / ')}). ` +
        'Passages are embedded sentence by sentence, and a sentence of more than 32 words in windows of 32 words too; ' +
        'a passage is as close to a question as its closest sentence or window, ' +
        'with a fifth of the weight on its second closest. ' +
        'Hybrid ranking fuses every passage the lexical ranking finds with the 100 closest (or as many as asked for), ' +
        'min-max normalising each score over those candidates.',
    ],
    tables,
    notes: [
      ...refusalNotes,
      ...(beirAvailable ? [] : [quick ? 'Quick run: BEIR was skipped.' : `BEIR data not found in ${beirDir}: BEIR was skipped.`]),
    ],
  };
  return section;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      beir: { type: 'string', default: '../shared/bench' },
      dev: { type: 'string', default: '../shared/eval/dev.jsonl' },
      threads: { type: 'string' },
    },
  });
  const section = await measureSemantic({
    beirDir: path.resolve(ROOT, values.beir),
    devQuestionsFile: path.resolve(ROOT, values.dev),
    quick: values.quick,
    threads: values.threads === undefined ? undefined : Number(values.threads),
  });
  console.log(renderSection(section));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
}
