import type { Passage } from '../corpus/types.js';
import type { Verdict } from './verdict.js';

/** A [start, end) range of character offsets into a passage's text. */
export type TextRange = readonly [start: number, end: number];

export interface RankedPassage extends Passage {
  /**
   * What answers in the passage: its best sentence with at most one sentence of context on each side, verbatim, each
   * omission marked "[…]". The whole passage stays in `text`.
   */
  readonly quote: string;
  /** The part of `text` the quote is, [start, end). */
  readonly quoteRange: TextRange;
  /** 1-based first and last line of the source the quote stands on. */
  readonly quoteLines: readonly [first: number, last: number];
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
  | 'off-subject'
  /** A passage speaks of the subject, but none holds what the question asks, as asked. */
  | 'not-focused';

/** Which ranking produced an answer: by words, or by words and meaning (src/semantic/). */
export type SearchUsed = 'lexical' | 'hybrid';

export interface Answer {
  readonly question: string;
  /**
   * `hybrid` once every passage has been read for meaning (SEARCH_MODE=hybrid); `lexical` in lexical mode, and in
   * hybrid mode while the passages are still being read.
   */
  readonly search: SearchUsed;
  /**
   * `answer`: the first passage answers the question. `related`: the sources speak of its subject, but no passage
   * answers it as asked. `none`: nothing in the sources is relevant. `results` are returned for every verdict, as hints
   * for the last two.
   */
  readonly verdict: Verdict;
  /** True only for the verdict `answer`. */
  readonly answered: boolean;
  readonly reason?: UnansweredReason;
  /** Best first. */
  readonly results: readonly RankedPassage[];
}
