import type { RankedPassage, TextRange } from '../../answer/answer.js';
import { documentUrl } from '../../answer/citation.js';
import { OMISSION, quoteOf } from '../../answer/quote.js';
import type { Passage } from '../../corpus/types.js';
import { ELLIPSIS, graphemes } from '../../text.js';
import { escapeText } from '../text.js';
import { markdownFocus, quoteMarkdown } from './markdown.js';

/** A passage with what to bold and what to set apart: a ranked result, or a passage explained for a question. */
export type ExplainedPassage = Omit<RankedPassage, 'score' | 'quote' | 'quoteRange' | 'quoteLines'> &
  Partial<Pick<RankedPassage, 'quoteRange' | 'quoteLines'>>;

/** Where an answer stands among the ranked passages of its question; no rank when it was picked from suggestions. */
export interface MatchPosition {
  readonly rank: number | undefined;
  readonly total: number;
}

/**
 * The passage with the part of it that is shown: for Markdown, its quote taken on to the block a colon announces
 * ("…with this command:" and the code block), the lines it stands on with it, so that the citation names them.
 */
export function shownFocus(passage: ExplainedPassage): ExplainedPassage {
  const range = passage.quoteRange;
  if (passage.format !== 'markdown' || range === undefined) return passage;
  const widened = markdownFocus(passage.text, range);
  if (widened[1] === range[1]) return passage;
  const { quoteRange, quoteLines } = quoteOf(passage, widened);
  return { ...passage, quoteRange, quoteLines };
}

/**
 * How the links of a Markdown passage are resolved: against the address of its source (its own, or its file under
 * `sourceBaseUrl`), so that `docs/api.md` and `#usage` open where the source is published. Only web addresses are
 * links in Discord; a link that resolves to none shows as its text.
 */
export function linkResolver(passage: ExplainedPassage | Passage, sourceBaseUrl: string | undefined) {
  const base = documentUrl(passage, sourceBaseUrl);
  return (url: string): string | undefined => {
    try {
      const resolved = base === undefined ? new URL(url) : new URL(url, base);
      return resolved.protocol === 'http:' || resolved.protocol === 'https:' ? resolved.href : undefined;
    } catch {
      return undefined;
    }
  };
}

interface Segment {
  text: string;
  bold: boolean;
  marked: boolean;
}

/** Markers hug the text: markdown does not format `** word**`. */
function wrap(text: string, marker: string): string {
  const match = /^(\s*)([\s\S]*?)(\s*)$/.exec(text);
  if (!match?.[2]) return text;
  return `${match[1]}${marker}${match[2]}${marker}${match[3]}`;
}

function within(ranges: readonly TextRange[], start: number, end: number): boolean {
  return ranges.some(([from, to]) => from <= start && end <= to);
}

/** One line of the passage: highlighted words in bold, the best sentence underlined, everything else escaped. */
function styleLine(text: string, start: number, end: number, bold: readonly TextRange[], best: TextRange): string {
  const cuts = new Set([start, end]);
  for (const [from, to] of [...bold, best]) {
    if (from > start && from < end) cuts.add(from);
    if (to > start && to < end) cuts.add(to);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const segments: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const from = points[i] as number;
    const to = points[i + 1] as number;
    const segment = { text: text.slice(from, to), bold: within(bold, from, to), marked: within([best], from, to) };
    const last = segments.at(-1);
    if (last && last.bold === segment.bold && last.marked === segment.marked) last.text += segment.text;
    else segments.push(segment);
  }
  let line = '';
  for (let i = 0; i < segments.length; ) {
    const marked = segments[i]?.marked;
    let run = '';
    for (; i < segments.length && segments[i]?.marked === marked; i++) {
      const segment = segments[i] as Segment;
      run += segment.bold ? wrap(escapeText(segment.text), '**') : escapeText(segment.text);
    }
    line += marked ? wrap(run, '__') : run;
  }
  return line;
}

/** Highlights with only spaces between them become one, so that "Laura Watson" is bold as a whole. */
function joinHighlights(text: string, ranges: readonly TextRange[]): TextRange[] {
  const joined: [number, number][] = [];
  for (const [from, to] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const last = joined.at(-1);
    if (last && /^[^\S\n]*$/.test(text.slice(last[1], from))) last[1] = Math.max(last[1], to);
    else joined.push([from, to]);
  }
  return joined;
}

function clampRange([from, to]: TextRange, start: number, end: number): TextRange {
  return [Math.max(from, start), Math.min(to, end)];
}

/** The characters [start, end) of the passage as a block quote, paragraph by paragraph, with "…" where it was cut. */
function renderQuote(passage: ExplainedPassage, start: number, end: number): string {
  const { text } = passage;
  const bold = joinHighlights(text, passage.highlights)
    .map((range) => clampRange(range, start, end))
    .filter(([from, to]) => from < to);
  const best = clampRange(passage.bestSentence, start, end);
  const paragraphs: string[][] = [[]];
  let lineStart = start;
  while (lineStart <= end) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 || newline > end ? end : newline;
    const current = paragraphs.at(-1) as string[];
    if (text.slice(lineStart, lineEnd).trim() === '') {
      if (current.length > 0) paragraphs.push([]);
    } else {
      current.push(styleLine(text, lineStart, lineEnd, bold, best));
    }
    lineStart = lineEnd + 1;
  }
  const kept = paragraphs.filter((lines) => lines.length > 0);
  const quoted = kept.map((lines) => lines.map((line) => `> ${line}`).join('\n')).join('\n\n');
  const head = start > 0 ? `> ${ELLIPSIS}${quoted.slice(2)}` : quoted;
  return end < text.length ? `${head}${ELLIPSIS}` : head;
}

/** Positions where a word ends (exclusive), in order. */
function wordEnds(text: string): number[] {
  const ends: number[] = [];
  for (const match of text.matchAll(/\S+/g)) ends.push(match.index + match[0].length);
  return ends;
}

function characterEnds(text: string, start: number, length: number): number[] {
  const ends: number[] = [];
  for (const { index, segment } of graphemes.segment(text.slice(start, start + length))) {
    ends.push(start + index + segment.length);
  }
  return ends;
}

/** The last candidate end whose rendering fits, by binary search (renderings grow with the end). */
function lastFitting(candidates: readonly number[], fits: (end: number) => boolean): number | undefined {
  let low = 0;
  let high = candidates.length - 1;
  let found: number | undefined;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const end = candidates[middle] as number;
    if (fits(end)) {
      found = end;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

/**
 * The passage, verbatim, as a block quote of at most `budget` characters: the question's words in bold, the best
 * sentence underlined. A passage too long for the budget is cut at word boundaries around its best sentence and
 * every cut is marked with "…"; no word is ever changed. A Markdown passage shows as Markdown (see markdown.ts),
 * cut between its blocks; any other is escaped, so that it shows as the characters it holds.
 */
export function quotePassage(passage: ExplainedPassage, budget: number, sourceBaseUrl?: string): string {
  if (passage.format === 'markdown') {
    const markdown = quoteMarkdown(
      {
        text: passage.text,
        ...(passage.quoteRange !== undefined && { range: passage.quoteRange }),
        highlights: joinHighlights(passage.text, passage.highlights),
        bestSentence: passage.bestSentence,
        linePrefix: '> ',
        resolveLink: linkResolver(passage, sourceBaseUrl),
      },
      budget,
    );
    if (markdown !== undefined) return markdown;
  }
  const range = passage.quoteRange;
  if (range === undefined || (range[0] === 0 && range[1] >= passage.text.trimEnd().length)) {
    return quoteWhole(passage, budget);
  }
  // The focus alone, its highlights moved with it, and "[…]" where the passage goes on.
  const [start, end] = range;
  const shift = (ranges: readonly TextRange[]) =>
    ranges
      .map(([from, to]): TextRange => [Math.max(from, start) - start, Math.min(to, end) - start])
      .filter(([from, to]) => from < to);
  const focus: ExplainedPassage = {
    ...passage,
    text: passage.text.slice(start, end),
    highlights: shift(passage.highlights),
    bestSentence: shift([passage.bestSentence])[0] ?? [0, 0],
  };
  const before = passage.text.slice(0, start).trim() !== '' ? `${OMISSION} ` : '';
  const after = passage.text.slice(end).trim() !== '' ? ` ${OMISSION}` : '';
  const quoted = quoteWhole(focus, budget - before.length - after.length);
  return `> ${before}${quoted.slice(2)}${after}`;
}

function quoteWhole(passage: ExplainedPassage, budget: number): string {
  const { text } = passage;
  // Rendering only adds characters, so no window longer than the budget can fit: never render (and escape) more.
  if (text.length <= budget) {
    const whole = renderQuote(passage, 0, text.length);
    if (whole.length <= budget) return whole;
  }
  const ends = wordEnds(text);
  const [bestStart, bestEnd] = passage.bestSentence;
  const bestSentenceEnd = ends.find((end) => end >= bestEnd) ?? text.length;
  const fromTop = bestSentenceEnd <= budget && renderQuote(passage, 0, bestSentenceEnd).length <= budget;
  const start = fromTop ? 0 : text.slice(0, bestStart).search(/\S*$/);
  const fits = (end: number): boolean => renderQuote(passage, start, end).length <= budget;
  const candidates = (positions: number[]): number[] =>
    positions.filter((end) => end > start && end - start <= budget);
  const end =
    lastFitting(candidates(ends), fits) ?? lastFitting(candidates(characterEnds(text, start, budget)), fits);
  return end === undefined ? ELLIPSIS : renderQuote(passage, start, end);
}
