/**
 * Honest answers: the verdict (answer / related / none) each kind of question gets on the seed sources, in both
 * search modes, and hit@1 on answerable questions counting any verdict other than `answer` as a miss.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Verdict } from '../src/answer/verdict.js';
import { rankOfAnswer, type EvalQuestion } from '../src/eval.js';
import { Library } from '../src/library.js';
import { DEFAULT_VECTOR_CACHE_DIR } from '../src/semantic/vector-store.js';
import { REPO_ROOT } from './child.js';
import type { Section, Table } from './markdown.js';

export interface VerdictOptions {
  readonly dataDir: string;
  readonly devQuestionsFile: string;
  readonly quick: boolean;
}

type SetQuestion = { question: string; kind?: string } & Partial<EvalQuestion>;

interface QuestionSet {
  readonly label: string;
  readonly questions: readonly SetQuestion[];
}

async function readSet(file: string): Promise<SetQuestion[]> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as SetQuestion);
}

async function openMode(dataDir: string, mode: 'lexical' | 'hybrid'): Promise<Library> {
  const cacheDir = path.join(REPO_ROOT, DEFAULT_VECTOR_CACHE_DIR);
  const library = await Library.open({ dataDir, ...(mode === 'hybrid' && { semantic: { cacheDir } }) });
  if (mode === 'hybrid' && !(await library.semanticSearchComplete())) throw new Error('passage vectors failed');
  return library;
}

export async function measureVerdicts(options: VerdictOptions): Promise<Section> {
  const evalDir = path.join(REPO_ROOT, 'eval');
  const take = <T>(items: T[]) => (options.quick ? items.slice(0, 8) : items);
  const unanswerable = await readSet(path.join(evalDir, 'unanswerable.jsonl'));
  const heldOutUnanswerable = await readSet(path.join(evalDir, 'held-out', 'unanswerable.jsonl'));
  const ofKind = (questions: typeof unanswerable, kind: string) => take(questions.filter((question) => question.kind === kind));
  const sets: QuestionSet[] = [
    { label: 'answerable (eval/questions.jsonl)', questions: take(await readSet(path.join(evalDir, 'questions.jsonl'))) },
    { label: 'unanswerable, sharing the sources’ words (eval/unanswerable.jsonl)', questions: ofKind(unanswerable, 'shared-words') },
    { label: 'unanswerable, on the subject in other words (eval/unanswerable.jsonl)', questions: ofKind(unanswerable, 'other-words') },
    { label: 'unrelated (eval/unrelated.jsonl)', questions: take(await readSet(path.join(evalDir, 'unrelated.jsonl'))) },
    { label: 'held out: answerable (eval/held-out/questions.jsonl)', questions: take(await readSet(path.join(evalDir, 'held-out', 'questions.jsonl'))) },
    { label: 'held out: unanswerable, sharing words', questions: ofKind(heldOutUnanswerable, 'shared-words') },
    { label: 'held out: unanswerable, other words', questions: ofKind(heldOutUnanswerable, 'other-words') },
  ];
  if (existsSync(options.devQuestionsFile)) {
    sets.splice(1, 0, { label: 'answerable (dev questions)', questions: take(await readSet(options.devQuestionsFile)) });
  }
  const rows: string[][] = [];
  for (const mode of ['lexical', 'hybrid'] as const) {
    const library = await openMode(options.dataDir, mode);
    for (const { label, questions } of sets) {
      const counts: Record<Verdict, number> = { answer: 0, related: 0, none: 0 };
      let hits = 0;
      for (const question of questions) {
        const answer = await library.answer(question.question, { top: 10 });
        counts[answer.verdict]++;
        if (question.file !== undefined && answer.answered && rankOfAnswer(answer, question as EvalQuestion) === 1) hits++;
      }
      const share = (count: number) => `${count} (${Math.round((100 * count) / Math.max(1, questions.length))}%)`;
      const answerable = questions.some((question) => question.file !== undefined);
      rows.push([mode, label, String(questions.length), share(counts.answer), share(counts.related), share(counts.none), answerable ? (hits / Math.max(1, questions.length)).toFixed(3) : '–']);
    }
    library.close();
  }
  const table: Table = {
    caption: 'Verdicts by kind of question, on the seed sources (hit@1 counts only the verdict `answer`)',
    columns: ['mode', 'questions', 'count', 'answer', 'related', 'none', 'hit@1'],
    rows,
  };
  return {
    title: 'Honest answers',
    intro: [
      'Every question gets a verdict: `answer` (a passage answers it), `related` (the sources speak of the subject, no ' +
        'passage answers it as asked) or `none`. The verdict is decided on the best passage’s focus — its best ' +
        'sentence with one on each side — as src/answer/verdict.ts describes. The question sets in eval/ were written ' +
        'for the seed sources without looking at the dev questions; those under eval/held-out/ were written before the ' +
        'verdict was tuned and never looked at while tuning it.',
    ],
    tables: [table],
    notes: [],
  };
}
