import { createHash } from 'node:crypto';
import type { Passage, Source } from './types.js';
import { sentenceRanges } from './sentences.js';

/**
 * How sources are cut into passages. A passage is what a search returns and what the bot quotes, so it should hold
 * a whole thought with enough context to be understood (and found) alone, and still fit in a message.
 */
export interface PassageShape {
  /**
   * A paragraph with fewer words is a fragment (a heading, a caption, a dateline, a one-line quote) and is merged
   * with the paragraph it introduces (or, at the end of a source, with the one before).
   */
  readonly minWords: number;
  /** Consecutive paragraphs are packed into one passage while their words together stay within this. */
  readonly targetWords: number;
  /** A paragraph longer than this is split at sentence boundaries into pieces of about equal length. */
  readonly maxWords: number;
}

export const DEFAULT_PASSAGE_SHAPE: PassageShape = { minWords: 12, targetWords: 150, maxWords: 150 };

/** A span of the source text, by character offsets [start, end). */
interface Span {
  start: number;
  end: number;
  words: number;
}

const countWords = (text: string): number => text.match(/\S+/g)?.length ?? 0;

/** A line that always starts a paragraph of its own: a Markdown heading, list item, quote or rule. */
const BLOCK_START = /^\s*(?:#{1,6}\s|[-*+]\s|\d+[.)]\s|>|---|\*\*\*)/;
/** The end of a line that closes a sentence, so that the next line starts a new paragraph. */
const SENTENCE_END = /[.!?:;"'”’)\]…]\s*$/;

/**
 * Paragraphs: runs of non-blank lines, where a line also starts a new paragraph when the line before it closes a
 * sentence (news text often puts one paragraph on each line with no blank line between) or it opens a Markdown block.
 */
function paragraphs(text: string): Span[] {
  const spans: Span[] = [];
  let offset = 0;
  let current: Span | undefined;
  let previousLine = '';
  for (const line of text.split('\n')) {
    const lineStart = offset;
    const lineEnd = offset + line.length;
    offset = lineEnd + 1;
    if (line.trim() === '') {
      current = undefined;
      previousLine = line;
      continue;
    }
    const continues = current !== undefined && !SENTENCE_END.test(previousLine) && !BLOCK_START.test(line);
    if (continues && current) {
      current.end = lineEnd;
    } else {
      current = { start: lineStart + (line.length - line.trimStart().length), end: lineEnd, words: 0 };
      spans.push(current);
    }
    previousLine = line;
  }
  for (const span of spans) {
    span.end = span.start + text.slice(span.start, span.end).trimEnd().length;
    span.words = countWords(text.slice(span.start, span.end));
  }
  return spans;
}

/** Splits a long paragraph at sentence boundaries into pieces of about equal length, none above maxWords if it can. */
function splitLong(text: string, span: Span, maxWords: number): Span[] {
  if (span.words <= maxWords) return [span];
  const sentences = sentenceRanges(text.slice(span.start, span.end)).map(([start, end]) => ({
    start: span.start + start,
    end: span.start + end,
    words: countWords(text.slice(span.start + start, span.start + end)),
  }));
  const pieces = Math.ceil(span.words / maxWords);
  const target = span.words / pieces;
  const result: Span[] = [];
  let piece: Span | undefined;
  for (const sentence of sentences) {
    const closeToTarget = piece && piece.words + sentence.words / 2 > target && result.length < pieces - 1;
    if (!piece || closeToTarget || piece.words + sentence.words > maxWords) {
      piece = { ...sentence };
      result.push(piece);
    } else {
      piece.end = sentence.end;
      piece.words += sentence.words;
    }
  }
  return result;
}

function join(a: Span, b: Span): Span {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end), words: a.words + b.words };
}

/** Merges each fragment into the span that follows it (the last one into the span before it). */
function mergeFragments(spans: Span[], minWords: number): Span[] {
  const merged: Span[] = [];
  let pending: Span | undefined;
  for (const span of spans) {
    const joined: Span = pending ? join(pending, span) : span;
    if (joined.words < minWords) {
      pending = joined;
    } else {
      merged.push(joined);
      pending = undefined;
    }
  }
  if (pending) {
    const last = merged.pop();
    merged.push(last ? join(last, pending) : pending);
  }
  return merged;
}

/** Packs consecutive spans while their words together stay within targetWords. */
function pack(spans: Span[], targetWords: number): Span[] {
  const packed: Span[] = [];
  for (const span of spans) {
    const last = packed[packed.length - 1];
    if (last && last.words + span.words <= targetWords) {
      packed[packed.length - 1] = join(last, span);
    } else {
      packed.push(span);
    }
  }
  return packed;
}

/** 1-based line number of each character offset, by binary search over line starts. */
function lineLocator(text: string): (offset: number) => number {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((lineStarts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  };
}

export function passageId(file: string, first: number, last: number, text: string): string {
  return createHash('sha256').update(`${file}\n${first}-${last}\n${text}`).digest('hex').slice(0, 16);
}

/** Cuts a source into passages, in source order, that together cover every non-blank line of it. */
export function splitIntoPassages(source: Source, shape: PassageShape = DEFAULT_PASSAGE_SHAPE): Passage[] {
  const { text, file, title } = source;
  const spans = paragraphs(text).flatMap((span) => splitLong(text, span, shape.maxWords));
  const lineOf = lineLocator(text);
  return pack(mergeFragments(spans, shape.minWords), shape.targetWords).map((span, ordinal) => {
    const first = lineOf(span.start);
    const last = lineOf(span.end - 1);
    const passageText = text.slice(span.start, span.end);
    return { id: passageId(file, first, last, passageText), file, title, lines: [first, last], text: passageText, ordinal };
  });
}
