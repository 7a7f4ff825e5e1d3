/**
 * Sources in other formats: the seed documents converted into PDF, HTML, Word and Markdown (bench/formats-convert.ts),
 * the dev questions asked of each converted folder by `npm run eval`, beside the .txt figures; the page every PDF
 * answer names, checked against the page its words were set on; and how fast each format is read.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadSources, SYNONYMS_FILE } from '../src/corpus/load.js';
import { READERS } from '../src/corpus/formats/index.js';
import type { Source, SourceFormat } from '../src/corpus/types.js';
import { rankOfAnswer, type EvalQuestion } from '../src/eval.js';
import { Library } from '../src/library.js';
import { DEFAULT_VECTOR_CACHE_DIR } from '../src/semantic/vector-store.js';
import { REPO_ROOT, runScript } from './child.js';
import { CONVERTED_FORMATS, convert, type ConvertedFormat } from './formats-convert.js';
import { count, fixed, type Section, type Table } from './markdown.js';

export interface FormatsOptions {
  readonly dataDir: string;
  readonly devQuestionsFile: string;
  /** Quick: lexical search only, a shorter document for reading speed, one timed read. */
  readonly quick: boolean;
}

/** How far a converted folder's hit@1 and hit@3 may fall below the .txt figures. */
const TOLERANCE = 0.03;

const READER_FORMAT: Record<ConvertedFormat, SourceFormat> = { pdf: 'pdf', html: 'html', docx: 'docx', md: 'markdown' };

interface Scores {
  readonly hitAt1: number;
  readonly hitAt3: number;
  readonly mrr: number;
}

/** `npm run eval`'s closing figures, as it prints them. */
async function evalScores(questionsFile: string, dataDir: string, mode: string): Promise<Scores> {
  const output = await runScript(path.join(REPO_ROOT, 'src', 'eval.ts'), ['--file', questionsFile, '--data', dataDir, '--mode', mode]);
  const figures = /hit@1 ([\d.]+)\s+hit@3 ([\d.]+)\s+mrr ([\d.]+)/.exec(output);
  if (!figures) throw new Error(`npm run eval printed no figures for ${dataDir}:\n${output}`);
  return { hitAt1: Number(figures[1]), hitAt3: Number(figures[2]), mrr: Number(figures[3]) };
}

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
const renamed = (file: string, format: ConvertedFormat) => file.replace(/\.txt$/, `.${format}`);

/** The pages an answer's words were set on, from the converter's record of each word's page; undefined if not found. */
function answerPages(words: readonly string[], wordPages: readonly number[], answer: string): [number, number] | undefined {
  const text = words.join(' ');
  const start = text.indexOf(squash(answer));
  if (start === -1) return undefined;
  const wordAt = (offset: number) => text.slice(0, offset).split(' ').length - 1;
  const first = wordPages[wordAt(start)];
  const last = wordPages[wordAt(start + squash(answer).length - 1)];
  return first === undefined || last === undefined ? undefined : [first, last];
}

interface PageCheck {
  readonly mode: string;
  readonly found: number;
  readonly rightPage: number;
  readonly wrong: readonly string[];
}

/** Asks the dev questions of the PDF folder and checks the page every found answer names. */
async function checkPdfPages(
  folder: string,
  questions: readonly EvalQuestion[],
  wordsOf: ReadonlyMap<string, { words: string[]; wordPages: readonly number[] }>,
  mode: 'lexical' | 'hybrid',
): Promise<PageCheck> {
  const library = await Library.open({
    dataDir: folder,
    ...(mode === 'hybrid' && { semantic: { cacheDir: path.join(REPO_ROOT, DEFAULT_VECTOR_CACHE_DIR) } }),
  });
  if (mode === 'hybrid' && !(await library.semanticSearchComplete())) throw new Error('passage vectors could not be computed');
  let found = 0;
  let rightPage = 0;
  const wrong: string[] = [];
  for (const question of questions) {
    const answer = await library.answer(question.question, { top: 10 });
    const rank = answer.answered ? rankOfAnswer(answer, question) : undefined;
    const result = rank === undefined ? undefined : answer.results[rank - 1];
    const placed = wordsOf.get(question.file);
    if (result === undefined || placed === undefined) continue;
    found += 1;
    const pages = answerPages(placed.words, placed.wordPages, question.answer);
    const first = result.page ?? 0;
    const last = result.pageEnd ?? first;
    if (pages !== undefined && first <= pages[0] && pages[1] <= last) rightPage += 1;
    else wrong.push(`${question.id} (cited ${first}–${last}, set on ${pages?.join('–') ?? '?'})`);
  }
  library.close();
  return { mode, found, rightPage, wrong };
}

/** Every seed's text one after the other, `times` over: a long document to time the readers on. */
function longDocument(seeds: readonly Source[], times: number): Source {
  const text = Array.from({ length: times }, () => seeds.map((seed) => seed.text.trim()).join('\n\n')).join('\n\n');
  return { file: 'collection.txt', title: 'The seed collection', text: `The seed collection\n\n${text}\n`, bytes: text.length };
}

interface Speed {
  readonly format: string;
  readonly bytes: number;
  readonly pages: number | undefined;
  readonly words: number;
  readonly ms: number;
}

/** The median time of `runs` reads of the same bytes by the format's reader, after one read to warm it up. */
async function timeReading(format: SourceFormat, bytes: Buffer, runs: number): Promise<{ ms: number; words: number }> {
  const reader = READERS.find((candidate) => candidate.format === format);
  if (reader === undefined) throw new Error(`no reader for ${format}`);
  const context = { file: `collection${reader.extensions[0]}`, note: () => {} };
  const warmUp = await reader.read(bytes, context);
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    await reader.read(bytes, context);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)] ?? 0, words: warmUp.text.match(/\S+/g)?.length ?? 0 };
}

export async function measureFormats(options: FormatsOptions): Promise<Section> {
  const modes = options.quick ? ['lexical'] : ['lexical', 'hybrid'];
  const intro = [
    'The five seed documents, converted in a temporary folder into each format as a community would have them: a PDF ' +
      'report (A5 pages, so that each runs over several; a running header and a page number on every page), a news ' +
      'site\'s saved page (navigation, cookie banner, "most read" list and footer around the article), a Word file ' +
      '(the title as Heading 1) and Markdown with front matter. The generators are pdfkit and docx; code in ' +
      'bench/formats-convert.ts. Each folder keeps the synonyms file; the dev questions are asked of it by ' +
      '`npm run eval`, with each question\'s expected file renamed to the converted one.',
  ];
  const tables: Table[] = [];
  const notes: string[] = [];
  const seeds = await loadSources(options.dataDir);
  const work = await mkdtemp(path.join(os.tmpdir(), 'citebot-formats-'));
  try {
    if (!existsSync(options.devQuestionsFile)) {
      notes.push(`No dev questions at ${options.devQuestionsFile}: the figures for each format were skipped.`);
    } else {
      const questions = (await readFile(options.devQuestionsFile, 'utf8'))
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as EvalQuestion);
      const rows: string[][] = [];
      const baseline = new Map<string, Scores>();
      for (const mode of modes) {
        const scores = await evalScores(options.devQuestionsFile, options.dataDir, mode);
        baseline.set(mode, scores);
        rows.push(['.txt (the seeds)', mode, fixed(scores.hitAt1, 3), fixed(scores.hitAt3, 3), fixed(scores.mrr, 3), '–', '–', '–']);
      }
      const pdfWords = new Map<string, { words: string[]; wordPages: readonly number[] }>();
      let pdfFolder = '';
      for (const format of CONVERTED_FORMATS) {
        const folder = path.join(work, format);
        await mkdir(folder, { recursive: true });
        for (const seed of seeds) {
          const converted = await convert(seed, format);
          await writeFile(path.join(folder, renamed(seed.file, format)), converted.bytes);
          if (converted.wordPages !== undefined) {
            const lines = seed.text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
            pdfWords.set(renamed(seed.file, format), { words: lines.join(' ').split(/\s+/), wordPages: converted.wordPages });
          }
        }
        if (existsSync(path.join(options.dataDir, SYNONYMS_FILE))) {
          await copyFile(path.join(options.dataDir, SYNONYMS_FILE), path.join(folder, SYNONYMS_FILE));
        }
        const questionsFile = path.join(work, `questions-${format}.jsonl`);
        await writeFile(
          questionsFile,
          questions.map((question) => JSON.stringify({ ...question, file: renamed(question.file, format) })).join('\n'),
        );
        if (format === 'pdf') pdfFolder = folder;
        for (const mode of modes) {
          const scores = await evalScores(questionsFile, folder, mode);
          const txt = baseline.get(mode) as Scores;
          const within = scores.hitAt1 >= txt.hitAt1 - TOLERANCE && scores.hitAt3 >= txt.hitAt3 - TOLERANCE;
          const delta = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(3)}`;
          rows.push([
            `.${format}`,
            mode,
            fixed(scores.hitAt1, 3),
            fixed(scores.hitAt3, 3),
            fixed(scores.mrr, 3),
            delta(scores.hitAt1 - txt.hitAt1),
            delta(scores.hitAt3 - txt.hitAt3),
            within ? 'yes' : 'no',
          ]);
        }
      }
      tables.push({
        caption: `Dev questions on the converted seed documents (as \`npm run eval\`; ${questions.length} questions)`,
        columns: ['format', 'search', 'hit@1', 'hit@3', 'MRR', 'Δ hit@1', 'Δ hit@3', `within ${TOLERANCE} of .txt`],
        rows,
      });

      const checks: PageCheck[] = [];
      for (const mode of modes) {
        const asked = questions.map((question) => ({ ...question, file: renamed(question.file, 'pdf') }));
        checks.push(await checkPdfPages(pdfFolder, asked, pdfWords, mode as 'lexical' | 'hybrid'));
      }
      tables.push({
        caption: 'PDF answers and the pages they name (the answer\'s words must lie within the cited page or pages)',
        columns: ['search', 'answers found', 'on the right page'],
        rows: checks.map((check) => [check.mode, count(check.found), count(check.rightPage)]),
      });
      for (const check of checks) {
        if (check.wrong.length > 0) notes.push(`${check.mode}: answers citing the wrong page: ${check.wrong.join(', ')}.`);
      }
    }

    const times = options.quick ? 2 : 10;
    const long = longDocument(seeds, times);
    const speeds: Speed[] = [];
    const text = await timeReading('text', Buffer.from(long.text, 'utf8'), options.quick ? 1 : 5);
    speeds.push({ format: '.txt', bytes: Buffer.byteLength(long.text), pages: undefined, ...text });
    for (const format of CONVERTED_FORMATS) {
      const converted = await convert(long, format);
      const timed = await timeReading(READER_FORMAT[format], converted.bytes, options.quick ? 1 : 5);
      speeds.push({ format: `.${format}`, bytes: converted.bytes.length, pages: converted.pages, ...timed });
    }
    tables.push({
      caption: `Reading speed (the five seeds one after the other, ${times} times over, as one file; the median of ${options.quick ? 1 : 5} reads after one to warm up; no cache)`,
      columns: ['format', 'file MB', 'pages', 'words read', 'read ms', 'ms / page', 'ms / MB'],
      rows: speeds.map((speed) => [
        speed.format,
        fixed(speed.bytes / 1024 / 1024, 2),
        speed.pages === undefined ? '–' : count(speed.pages),
        count(speed.words),
        fixed(speed.ms, 1),
        speed.pages === undefined ? '–' : fixed(speed.ms / speed.pages, 2),
        fixed(speed.ms / (speed.bytes / 1024 / 1024), 1),
      ]),
    });
    notes.push(
      'Text read from PDF, Word, HTML and Markdown files is cached by the file\'s hash (.cache/text): these times are ' +
        'paid once per file, not at every start. The first PDF read in a process also loads pdf.js, which the warm-up ' +
        'read absorbs.',
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return { title: 'Source formats', intro, tables, notes };
}
