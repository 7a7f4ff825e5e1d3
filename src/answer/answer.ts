import type { Passage } from '../corpus/types.js';

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

/** Which ranking produced an answer: by words, or by words and meaning (src/semantic/). */
export type SearchUsed = 'lexical' | 'hybrid';

export interface Answer {
  readonly question: string;
  /**
   * `hybrid` once every passage has been read for meaning (SEARCH_MODE=hybrid); `lexical` in lexical mode, and in
   * hybrid mode while the passages are still being read.
   */
  readonly search: SearchUsed;
  /** False when the sources do not answer: `results` then holds the closest passages, as hints only. */
  readonly answered: boolean;
  readonly reason?: UnansweredReason;
  /** Best first. */
  readonly results: readonly RankedPassage[];
}
