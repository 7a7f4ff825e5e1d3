import type { Passage } from '../corpus/types.js';
import type { QueryPlan } from '../search/search-index.js';
import type { RankedPassage, TextRange } from './answer.js';
import { focusOf, type SentenceSimilarity } from './verdict.js';

/** Marks where a quote leaves out the passage's text: the quote stays verbatim, and says it is a part. */
export const OMISSION = '[…]';

/** The part `range` of a passage, verbatim, with "[…]" where text is left out before or after it, and its lines. */
export function quoteOf(
  passage: Pick<Passage, 'text' | 'lines'>,
  range: TextRange,
): { quote: string; quoteRange: TextRange; quoteLines: readonly [number, number] } {
  const { text } = passage;
  let [start, end] = range;
  while (start < end && /\s/.test(text[start] as string)) start++;
  while (end > start && /\s/.test(text[end - 1] as string)) end--;
  const before = text.slice(0, start).trim() !== '';
  const after = text.slice(end).trim() !== '';
  const quote = `${before ? `${OMISSION} ` : ''}${text.slice(start, end)}${after ? ` ${OMISSION}` : ''}`;
  const lineOf = (at: number) => passage.lines[0] + (text.slice(0, at).match(/\n/g)?.length ?? 0);
  return { quote, quoteRange: [start, end], quoteLines: [lineOf(start), lineOf(Math.max(start, end - 1))] };
}

/** A ranked passage with the quote of its focus for the question. */
export function withQuote<T extends Omit<RankedPassage, 'quote' | 'quoteRange' | 'quoteLines'>>(
  passage: T,
  plan: QueryPlan,
  similarities?: readonly SentenceSimilarity[],
): T & Pick<RankedPassage, 'quote' | 'quoteRange' | 'quoteLines'> {
  return { ...passage, ...quoteOf(passage, focusOf(passage.text, plan, similarities).range) };
}
