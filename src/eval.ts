/**
 * `npm run eval [-- --file questions.jsonl] [--data DIR] [--top K] [--mode lexical|hybrid]`: retrieval quality on
 * questions with known answers (by default the project's own, eval/questions.jsonl). Hybrid waits until every passage has its vectors, so that it measures hybrid ranking.
 * Each line: {"id", "question", "file", "answer"}; a hit is a result citing that file whose text holds the answer, in
 * an answer: a question the library declines to answer is a miss, wherever its closest passages hold the answer.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadCoreConfig, searchModeOption } from './config.js';
import { openLibrary, type Library } from './library.js';
import type { Answer } from './answer/answer.js';
import { terminalProgress } from './semantic/progress.js';

export interface EvalQuestion {
  readonly id: string;
  readonly question: string;
  readonly file: string;
  readonly answer: string;
}

export interface EvalOutcome {
  readonly question: EvalQuestion;
  /** 1-based rank of the first result that holds the answer, or undefined (also when the question was declined). */
  readonly rank: number | undefined;
  readonly answer: Answer;
}

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

export function rankOfAnswer(answer: Answer, expected: EvalQuestion): number | undefined {
  const index = answer.results.findIndex(
    (result) => result.file === expected.file && squash(result.text).includes(squash(expected.answer)),
  );
  return index === -1 ? undefined : index + 1;
}

/** Asks each question as the bot would, in order. */
export async function evaluate(library: Library, questions: readonly EvalQuestion[], top: number): Promise<EvalOutcome[]> {
  const outcomes: EvalOutcome[] = [];
  for (const question of questions) {
    const answer = await library.answer(question.question, { top });
    outcomes.push({ question, rank: answer.answered ? rankOfAnswer(answer, question) : undefined, answer });
  }
  return outcomes;
}

export function summarise(outcomes: readonly EvalOutcome[]): { hitAt1: number; hitAt3: number; mrr: number } {
  const count = Math.max(1, outcomes.length);
  const within = (k: number) => outcomes.filter((outcome) => outcome.rank !== undefined && outcome.rank <= k).length;
  const mrr = outcomes.reduce((sum, outcome) => sum + (outcome.rank ? 1 / outcome.rank : 0), 0) / count;
  return { hitAt1: within(1) / count, hitAt3: within(3) / count, mrr };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      file: { type: 'string', default: 'eval/questions.jsonl' },
      data: { type: 'string' },
      top: { type: 'string', default: '10' },
      mode: { type: 'string' },
    },
  });
  const config = loadCoreConfig();
  const mode = searchModeOption(values.mode, config.search.mode);
  const library = await openLibrary({
    dataDir: values.data ?? config.dataDir,
    mode,
    fusion: config.search.fusion,
    warn: (message) => console.error(`warning: ${message}`),
    onProgress: terminalProgress(process.stderr),
  });
  if (mode === 'hybrid' && !(await library.semanticSearchComplete())) {
    throw new Error('passage vectors could not be computed');
  }
  const questions = (await readFile(values.file, 'utf8'))
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as EvalQuestion);
  const outcomes = await evaluate(library, questions, Number(values.top));
  for (const { question, rank, answer } of outcomes) {
    if (rank === 1) continue;
    const got = answer.results
      .slice(0, 3)
      .map((result) => `${result.file}:${result.lines.join('-')}`)
      .join(', ');
    const closestAt = rankOfAnswer(answer, question) ?? '-';
    const refused = answer.answered ? '' : ` [not answered: ${answer.reason}; the answer's passage at ${closestAt}]`;
    console.log(`${rank === undefined ? 'MISS' : `rank ${rank}`}  ${question.id} ${question.question}${refused}\n      want ${question.file}: "${question.answer}"\n      got  ${got}`);
  }
  const { hitAt1, hitAt3, mrr } = summarise(outcomes);
  const refused = outcomes.filter((outcome) => !outcome.answer.answered).length;
  console.log(`\n${mode}: ${outcomes.length} questions, ${library.passages.length} passages; ${refused} not answered`);
  console.log(`hit@1 ${hitAt1.toFixed(3)}  hit@3 ${hitAt3.toFixed(3)}  mrr ${mrr.toFixed(3)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
