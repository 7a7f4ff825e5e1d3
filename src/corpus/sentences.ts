import type { TextRange } from '../answer/answer.js';

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/** Abbreviations after which ICU's sentence rules wrongly end a sentence ("Dr. Mai", "Mr. Smith", "e.g. this"). */
const ABBREVIATION_BEFORE_BREAK =
  /(?:^|[\s("'“‘])(?:Dr|Mr|Mrs|Ms|Mx|Prof|St|Sr|Jr|Rev|Gen|Col|Capt|Lt|Sgt|Insp|Supt|Cllr|Hon|No|Nos|Vol|Fig|vs|etc|al|approx|e\.g|i\.e|cf|Inc|Ltd|Co|[A-Z])\.\s*$/;

/** Sentence ranges of `text`, [start, end) with trailing white space excluded; covers every non-blank character. */
export function sentenceRanges(text: string): TextRange[] {
  const ranges: Array<[number, number]> = [];
  let pendingStart: number | undefined;
  for (const { segment, index } of segmenter.segment(text)) {
    const start = pendingStart ?? index;
    const end = index + segment.length;
    if (ABBREVIATION_BEFORE_BREAK.test(segment) && end < text.length) {
      pendingStart = start;
      continue;
    }
    pendingStart = undefined;
    const trimmedEnd = start + text.slice(start, end).trimEnd().length;
    if (trimmedEnd > start) ranges.push([start, trimmedEnd]);
  }
  if (pendingStart !== undefined) {
    const trimmedEnd = pendingStart + text.slice(pendingStart).trimEnd().length;
    if (trimmedEnd > pendingStart) ranges.push([pendingStart, trimmedEnd]);
  }
  // A sentence range starts at its first non-blank character, so that quoting it never begins with white space.
  return ranges.map(([start, end]) => {
    const lead = text.slice(start, end).length - text.slice(start, end).trimStart().length;
    return [start + lead, end] as const;
  });
}
