/** The questions the speed and Discord parts ask of the seed documents, and how autocomplete sees them typed. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { EvalQuestion } from '../src/eval.js';

/** Asked when there is no dev-questions file. */
const SEED_QUESTIONS = [
  'Who is Laura Watson?',
  'Are most migrant sex workers in London trafficked?',
  'What did the English Collective of Prostitutes say about Soho?',
  'Why do sex workers not go to the police?',
  'What is the weather in Leeds?',
];

/** The dev questions (one JSON object a line, as `npm run eval` reads them), or a few seed questions without them. */
export async function seedQuestions(devQuestionsFile: string): Promise<string[]> {
  if (!existsSync(devQuestionsFile)) return SEED_QUESTIONS;
  return (await readFile(devQuestionsFile, 'utf8'))
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => (JSON.parse(line) as EvalQuestion).question);
}

/** A question cut as if still being typed: about 60% of it, often inside a word. */
export function partialOf(question: string): string {
  return question.slice(0, Math.max(1, Math.round(question.length * 0.6))).trim();
}

/** `questions` repeated in order until there are `total` of them. */
export function cycle(questions: readonly string[], total: number): string[] {
  return questions.length === 0 ? [] : Array.from({ length: total }, (_, index) => questions[index % questions.length] as string);
}
