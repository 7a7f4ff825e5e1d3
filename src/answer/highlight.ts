import { LRUCache } from 'lru-cache';
import { sentenceRanges } from '../corpus/sentences.js';
import { tokenize } from '../search/analyzer.js';
import type { QueryPlan } from '../search/search-index.js';
import type { TextRange } from './answer.js';

/**
 * A passage's words and sentences, and which sentence each word stands in: the same for every question. Kept in a
 * few arrays rather than an object per word, so that keeping thousands of layouts costs the garbage collector little
 * (a layout made young survives the next scavenge and is copied: one per word made every scavenge slow).
 */
export interface Layout {
  /** Each word's offsets in the passage, [start, end). */
  readonly starts: Uint32Array;
  readonly ends: Uint32Array;
  /** Each word's index terms: those of word i are terms[termStarts[i]] up to terms[termStarts[i + 1]]. */
  readonly terms: readonly string[];
  readonly termStarts: Uint32Array;
  readonly sentences: readonly TextRange[];
  /** For each word, the index of its sentence, or -1 between sentences. */
  readonly sentenceOf: Int32Array;
}

/** Layouts of recently shown passages: a question's top results are often the next question's too. */
const layouts = new LRUCache<string, Layout>({ max: 2_048 });

export function layoutOf(text: string): Layout {
  let layout = layouts.get(text);
  if (layout === undefined) {
    const tokens = tokenize(text);
    const sentences = sentenceRanges(text);
    const starts = new Uint32Array(tokens.length);
    const ends = new Uint32Array(tokens.length);
    const termStarts = new Uint32Array(tokens.length + 1);
    const sentenceOf = new Int32Array(tokens.length).fill(-1);
    const terms: string[] = [];
    let sentence = 0;
    for (const [index, token] of tokens.entries()) {
      starts[index] = token.start;
      ends[index] = token.end;
      termStarts[index] = terms.length;
      terms.push(...token.terms);
      while (sentence < sentences.length && (sentences[sentence]?.[1] ?? 0) < token.end) sentence++;
      const range = sentences[sentence];
      if (range && token.start >= range[0]) sentenceOf[index] = sentence;
    }
    termStarts[tokens.length] = terms.length;
    layout = { starts, ends, terms, termStarts, sentences, sentenceOf };
    layouts.set(text, layout);
  }
  return layout;
}

/** Words of `text` that the question searched for, and the sentence that holds the most of its information. */
export function explainWith(text: string, plan: QueryPlan): { highlights: TextRange[]; bestSentence: TextRange } {
  const { starts, ends, terms, termStarts, sentences, sentenceOf } = layoutOf(text);
  const highlights: TextRange[] = [];
  const heldBySentence = sentences.map(() => new Set<string>());
  for (let index = 0; index < starts.length; index++) {
    const held = heldBySentence[sentenceOf[index] ?? -1];
    let searched = false;
    for (let at = termStarts[index] as number; at < (termStarts[index + 1] as number); at++) {
      const term = terms[at] as string;
      if (!plan.termWeights.has(term)) continue;
      searched = true;
      held?.add(term);
    }
    if (searched) highlights.push([starts[index] as number, ends[index] as number]);
  }
  let bestSentence: TextRange = sentences[0] ?? [0, text.length];
  let bestScore = 0;
  for (const [index, held] of heldBySentence.entries()) {
    let score = 0;
    for (const term of held) score += plan.termWeights.get(term) ?? 0;
    if (score > bestScore) {
      bestScore = score;
      bestSentence = sentences[index] as TextRange;
    }
  }
  return { highlights, bestSentence };
}
