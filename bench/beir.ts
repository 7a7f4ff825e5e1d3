/**
 * BEIR datasets (corpus.jsonl, queries.jsonl, qrels/<split>.tsv) turned into what citebot reads: one source per
 * document, its title on the first line, a blank line, then its text — decoded and titled by the loader's own rules.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeSourceText, titleOf } from '../src/corpus/load.js';
import type { Source } from '../src/corpus/types.js';
import type { Judgments } from './metrics.js';

export interface BeirDocument {
  readonly id: string;
  readonly title: string;
  readonly text: string;
}

export interface BeirQuery {
  readonly id: string;
  readonly text: string;
}

export interface BeirDataset {
  readonly name: string;
  /** The qrels file the judgments come from ("train", "dev"). */
  readonly split: string;
  readonly documents: readonly BeirDocument[];
  /** Every query of the dataset, judged or not, for latency measurements. */
  readonly allQueries: readonly BeirQuery[];
  /** The queries with judgments in `split`, in the dataset's order. */
  readonly judgedQueries: readonly BeirQuery[];
  readonly judgments: ReadonlyMap<string, Judgments>;
}

/** The datasets measured, and the judgments used for each (the test judgments are held out). */
export const BEIR_DATASETS = [
  { name: 'scifact', label: 'SciFact', split: 'train' },
  { name: 'nfcorpus', label: 'NFCorpus', split: 'dev' },
] as const;

async function readJsonLines<T>(file: string): Promise<T[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

export async function loadBeir(beirDir: string, name: string, split: string): Promise<BeirDataset> {
  const dir = path.join(beirDir, name);
  const documents = (await readJsonLines<{ _id: string; title?: string; text?: string }>(path.join(dir, 'corpus.jsonl'))).map(
    (row) => ({ id: String(row._id), title: row.title ?? '', text: row.text ?? '' }),
  );
  const allQueries = (await readJsonLines<{ _id: string; text: string }>(path.join(dir, 'queries.jsonl'))).map((row) => ({
    id: String(row._id),
    text: row.text,
  }));
  const judgments = new Map<string, Map<string, number>>();
  const qrels = await readFile(path.join(dir, 'qrels', `${split}.tsv`), 'utf8');
  // The first line is a header (query-id, corpus-id, score).
  for (const line of qrels.split('\n').slice(1)) {
    const [queryId, documentId, grade] = line.trim().split('\t');
    if (queryId === undefined || documentId === undefined || grade === undefined) continue;
    const forQuery = judgments.get(queryId) ?? new Map<string, number>();
    forQuery.set(documentId, Number(grade));
    judgments.set(queryId, forQuery);
  }
  const judgedQueries = allQueries.filter((query) => judgments.has(query.id));
  return { name, split, documents, allQueries, judgedQueries, judgments };
}

/**
 * A small slice that still measures something: the first `queryCount` judged queries, the documents judged for them,
 * and other documents in corpus order up to `documentCount`.
 */
export function sampleDataset(dataset: BeirDataset, documentCount: number, queryCount: number): BeirDataset {
  const judgedQueries = dataset.judgedQueries.slice(0, queryCount);
  const wanted = new Set(judgedQueries.flatMap((query) => [...(dataset.judgments.get(query.id)?.keys() ?? [])]));
  const judged = dataset.documents.filter((document) => wanted.has(document.id));
  const others = dataset.documents.filter((document) => !wanted.has(document.id));
  const documents = [...judged, ...others].slice(0, Math.max(documentCount, judged.length));
  return { ...dataset, documents, allQueries: judgedQueries, judgedQueries };
}

/** The document as a file of a data folder holds it: the title line, a blank line, the text. */
export function documentFileText(document: BeirDocument): string {
  return `${document.title}\n\n${document.text}`;
}

/** The file name a document gets in a data folder. */
export function documentFileName(document: BeirDocument): string {
  return `${document.id}.txt`;
}

/** The source the loader would make of the document's file, without writing it. */
export function sourceOf(document: BeirDocument): Source {
  const bytes = Buffer.from(documentFileText(document), 'utf8');
  const file = documentFileName(document);
  const text = decodeSourceText(bytes, file, () => {});
  return { file, title: titleOf(text, file), text, bytes: bytes.length };
}

/** The document a source was made from (its file name less ".txt"). */
export function documentIdOf(file: string): string {
  return file.replace(/\.txt$/, '');
}

/**
 * Copies of the documents with distinct ids ("4983~2"), as many rounds as it takes to reach `minimumDocuments`.
 * Only for speed and memory at scale: copies share their words, which makes them no test of ranking.
 */
export function replicate(documents: readonly BeirDocument[], minimumDocuments: number): BeirDocument[] {
  const result: BeirDocument[] = [];
  for (let round = 1; result.length < minimumDocuments && documents.length > 0; round++) {
    for (const document of documents) result.push(round === 1 ? document : { ...document, id: `${document.id}~${round}` });
  }
  return result;
}
