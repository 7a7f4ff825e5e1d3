import type { Passage } from './corpus/types.js';

/** A [start, end) range of character offsets into a passage's text. */
export type TextRange = readonly [start: number, end: number];

export interface RankedPassage extends Passage {
  /** Relevance; only comparable between results of the same question. */
  readonly score: number;
  /** Words of the passage that match the question's words (after analysis), for bold type. */
  readonly highlights: readonly TextRange[];
  /** The sentence that carries the question's words best, for setting apart. */
  readonly bestSentence: TextRange;
}

export type UnansweredReason =
  /** Nothing searchable was asked: empty, punctuation, emoji, stop words only. */
  | 'empty-question'
  /** None of the question's words occurs in the sources, even allowing for typos. */
  | 'no-known-words'
  /** Some words occur, but no passage carries enough of the question to be an answer. */
  | 'weak-match'
  /** Some words occur, but nothing in the sources comes near the question's meaning (hybrid ranking only). */
  | 'off-subject';

export interface Answer {
  readonly question: string;
  /** False when the sources do not answer: `results` then holds the closest passages, as hints only. */
  readonly answered: boolean;
  readonly reason?: UnansweredReason;
  /** Best first. */
  readonly results: readonly RankedPassage[];
}

/** "line 9" or "lines 3–5": how a citation names a passage's place in its source. */
export function describeLines([first, last]: readonly [number, number]): string {
  return first === last ? `line ${first}` : `lines ${first}–${last}`;
}
