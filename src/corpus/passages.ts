import { createHash } from 'node:crypto';
import type { Block, Passage, Place, Source } from './types.js';
import { sentenceRanges } from './sentences.js';
import { pageOf } from './formats/pdf.js';

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

/** Blocks a passage may end inside of: prose, which is split at sentences when too long. */
const SPLITTABLE: ReadonlySet<Block['kind']> = new Set(['paragraph', 'quote']);

/**
 * A read document's blocks as runs of spans, one run per section: a heading starts a new run (together with any
 * headings right after it, which introduce the same text), so that no passage spans two sections. Prose blocks
 * longer than maxWords are split at sentences; code blocks, list items, table rows and the rest are kept whole.
 */
function sectionRuns(text: string, blocks: readonly Block[], maxWords: number): Span[][] {
  const runs: Span[][] = [];
  let run: Span[] = [];
  let runHasContent = false;
  for (const block of blocks) {
    if (block.kind === 'heading' && runHasContent) {
      runs.push(run);
      run = [];
      runHasContent = false;
    }
    const span = { start: block.start, end: block.end, words: countWords(text.slice(block.start, block.end)) };
    run.push(...(SPLITTABLE.has(block.kind) ? splitLong(text, span, maxWords) : [span]));
    if (block.kind !== 'heading') runHasContent = true;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** The last block that starts at or before `offset`, by binary search; -1 when none does. */
function blockAt(blocks: readonly Block[], offset: number): number {
  let low = -1;
  let high = blocks.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((blocks[middle]?.start ?? 0) <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

/**
 * Where the span [start, end) of a source stands: its pages (a PDF's), its section (that of its first block after
 * the headings that open it), its link; and its source's format. What splitIntoPassages gives each passage, and what the persisted index
 * gives a passage it reads back.
 */
export function placeOf(source: Source, start: number, end: number): Place {
  const place: { -readonly [K in keyof Place]: Place[K] } = {};
  if (source.format !== undefined) place.format = source.format;
  if (source.pageStarts !== undefined && source.pageStarts.length > 0) {
    place.page = pageOf(source.pageStarts, start);
    const last = pageOf(source.pageStarts, Math.max(start, end - 1));
    if (last !== place.page) place.pageEnd = last;
  }
  const blocks = source.blocks;
  if (blocks !== undefined) {
    let chosen: Block | undefined;
    for (let at = Math.max(0, blockAt(blocks, start)); at < blocks.length; at++) {
      const block = blocks[at] as Block;
      if (block.start >= end && chosen !== undefined) break;
      chosen = block;
      if (block.kind !== 'heading' && block.end > start) break;
    }
    if (chosen?.section !== undefined) place.section = chosen.section;
    if (chosen?.anchor !== undefined) place.anchor = chosen.anchor;
  }
  if (source.url !== undefined) place.url = source.url;
  if (source.web?.retrieved !== undefined) place.retrieved = source.web.retrieved;
  return place;
}

/**
 * Cuts a source into passages, in source order. A plain-text source is cut along its paragraphs, and its passages
 * together cover every non-blank line of it. A read document (Markdown, HTML, Word, PDF) is cut along its blocks:
 * a passage never ends inside a code block, list item or table row, never spans two sections (a heading goes with
 * the text it introduces), and covers every block; text in no block (front matter) is in no passage.
 */
export function splitIntoPassages(source: Source, shape: PassageShape = DEFAULT_PASSAGE_SHAPE): Passage[] {
  const { text, file, title } = source;
  const runs =
    source.blocks === undefined
      ? [paragraphs(text).flatMap((span) => splitLong(text, span, shape.maxWords))]
      : sectionRuns(text, source.blocks, shape.maxWords);
  const lineOf = lineLocator(text);
  const spans = runs.flatMap((run) => pack(mergeFragments(run, shape.minWords), shape.targetWords));
  return spans.map((span, ordinal) => {
    const first = lineOf(span.start);
    const last = lineOf(span.end - 1);
    const passageText = text.slice(span.start, span.end);
    return {
      id: passageId(file, first, last, passageText),
      file,
      title,
      lines: [first, last],
      text: passageText,
      ordinal,
      ...placeOf(source, span.start, span.end),
    };
  });
}
