/** Part 1: retrieval quality on BEIR (citebot and its peers side by side) and on the project's dev questions. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { evaluate, summarise, type EvalQuestion } from '../src/eval.js';
import { Library } from '../src/library.js';
import { BEIR_DATASETS, loadBeir, sampleDataset, type BeirDataset } from './beir.js';
import { count, fixed, type Section, type Table } from './markdown.js';
import { mean, ndcgAt, recallAt } from './metrics.js';
import { SYSTEMS } from './peers.js';

export interface QualityOptions {
  /** The folder holding BEIR's scifact/ and nfcorpus/, or undefined when it is missing. */
  readonly beirDir: string | undefined;
  readonly devQuestionsFile: string;
  readonly dataDir: string;
  readonly quick: boolean;
}

/** Quick mode: enough to exercise every system and metric, in seconds. */
const QUICK_DOCUMENTS = 300;
const QUICK_QUERIES = 50;
const RANKED_DOCUMENTS = 100;
const DEV_QUESTIONS_TOP = 10;

interface SystemScore {
  readonly system: string;
  readonly ndcg10: number;
  readonly recall100: number;
  readonly buildSeconds: number;
  readonly msPerQuery: number;
}

async function scoreSystems(dataset: BeirDataset): Promise<SystemScore[]> {
  const scores: SystemScore[] = [];
  for (const system of SYSTEMS) {
    const buildStart = performance.now();
    const retriever = system.build(dataset.documents);
    const buildSeconds = (performance.now() - buildStart) / 1000;
    const ndcgs: number[] = [];
    const recalls: number[] = [];
    const queryStart = performance.now();
    for (const query of dataset.judgedQueries) {
      const ranked = await retriever.rank(query.text, RANKED_DOCUMENTS);
      const judgments = dataset.judgments.get(query.id) ?? new Map<string, number>();
      ndcgs.push(ndcgAt(10, ranked, judgments));
      recalls.push(recallAt(RANKED_DOCUMENTS, ranked, judgments));
    }
    const msPerQuery = (performance.now() - queryStart) / Math.max(1, dataset.judgedQueries.length);
    scores.push({ system: system.name, ndcg10: mean(ndcgs), recall100: mean(recalls), buildSeconds, msPerQuery });
  }
  return scores;
}

async function beirTable(beirDir: string, quick: boolean): Promise<Table> {
  const rows: string[][] = [];
  for (const { name, label, split } of BEIR_DATASETS) {
    const full = await loadBeir(beirDir, name, split);
    const dataset = quick ? sampleDataset(full, QUICK_DOCUMENTS, QUICK_QUERIES) : full;
    for (const score of await scoreSystems(dataset)) {
      rows.push([
        `${label} ${split}`,
        count(dataset.documents.length),
        count(dataset.judgedQueries.length),
        score.system,
        fixed(score.ndcg10, 3),
        fixed(score.recall100, 3),
        fixed(score.buildSeconds, 2),
        fixed(score.msPerQuery, 2),
      ]);
    }
  }
  return {
    caption: quick ? 'BEIR, quick sample (not comparable with full runs)' : 'BEIR, measured here',
    columns: ['corpus, judgments', 'documents', 'queries', 'system', 'nDCG@10', 'Recall@100', 'build s', 'ms / query'],
    rows,
  };
}

/** The reference points: measured elsewhere, on the held-out test judgments; not by this benchmark. */
const REFERENCE_POINTS: Table = {
  caption: 'Reference points: nDCG@10 on the test judgments, measured elsewhere (not by this benchmark)',
  columns: ['system', 'SciFact test', 'NFCorpus test'],
  rows: [
    ['BM25, as published by BEIR', '0.665', '0.325'],
    ['Anserini BM25 flat', '0.679', '0.322'],
    ['lunr 2.3.9', '0.670', '0.328'],
    ['wink-bm25-text-search 3.1.2', '0.684', '0.329'],
    ['MiniSearch 7.2, defaults', '0.630', '0.295'],
    ['MiniSearch 7.2, stop words and Porter stemming', '0.667', '0.320'],
    ['goal for citebot', '≥ 0.690', '≥ 0.335'],
  ],
};

async function devQuestionsTable(file: string, dataDir: string): Promise<Table> {
  const questions = (await readFile(file, 'utf8'))
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as EvalQuestion);
  const library = await Library.open({ dataDir });
  const outcomes = await evaluate(library, questions, DEV_QUESTIONS_TOP);
  const { hitAt1, hitAt3, mrr } = summarise(outcomes);
  const unanswered = outcomes.filter((outcome) => !outcome.answer.answered).length;
  return {
    caption: 'Dev questions on the seed documents (as `npm run eval`)',
    columns: ['questions', 'passages', 'hit@1', 'hit@3', 'MRR', 'not answered'],
    rows: [[count(questions.length), count(library.passages.length), fixed(hitAt1, 3), fixed(hitAt3, 3), fixed(mrr, 3), count(unanswered)]],
  };
}

export async function measureQuality(options: QualityOptions): Promise<Section> {
  const tables: Table[] = [];
  const intro = [
    'Each BEIR document is a source as a data folder would hold it (title line, blank line, text), decoded and ' +
      "titled by the loader's own rules and built in memory rather than written out; citebot cuts it into passages " +
      'and ranks a document where its best passage ranks. lunr and wink-bm25-text-search index the same text, in ' +
      'the same process. nDCG@10 is graded with the grade as gain, as BEIR computes it.',
  ];
  const notes: string[] = [];
  if (options.beirDir === undefined) {
    notes.push('BEIR data not found (pass `--beir DIR` or set BEIR_DIR): the BEIR comparison was skipped.');
  } else {
    tables.push(await beirTable(options.beirDir, options.quick));
  }
  tables.push(REFERENCE_POINTS);
  if (existsSync(options.devQuestionsFile)) {
    tables.push(await devQuestionsTable(options.devQuestionsFile, options.dataDir));
  } else {
    notes.push(`No dev questions at ${options.devQuestionsFile}: their figures were skipped.`);
  }
  return { title: 'Retrieval quality', intro, tables, notes };
}
