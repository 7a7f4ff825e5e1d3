import type { APIEmbed } from 'discord.js';
import { describeLines, type Answer, type RankedPassage, type TextRange } from '../answer.js';
import type { Passage, Source } from '../corpus/types.js';
import {
  AUTOCOMPLETE_CHOICE_LIMIT,
  EMBED_DESCRIPTION_LIMIT,
  EMBED_FOOTER_LIMIT,
  EMBED_TITLE_LIMIT,
  EMBEDS_TOTAL_LIMIT,
} from './limits.js';
import { collapseWhitespace, cutAtWord, ELLIPSIS, escapeText, fitEscaped, graphemes, unescapeText } from './text.js';

/** A passage with what to bold and what to set apart: a ranked result, or a passage explained for a question. */
export type ExplainedPassage = Omit<RankedPassage, 'score'>;

/** Where an answer stands among the ranked passages of its question; no rank when it was picked from suggestions. */
export interface MatchPosition {
  readonly rank: number | undefined;
  readonly total: number;
}

const ANSWER_COLOUR = 0x2b6cb0;
const NOT_FOUND_COLOUR = 0x718096;
/** A citation stays one line: long titles give way, the file name and lines never do. */
const CITATION_TITLE_CHARS = 120;
const HINTS_SHOWN = 3;
/** Ten lines of `/sources` stay well within a description, whatever the file names. */
const SOURCE_LINE_CHARS = 400;
export const SOURCES_PER_PAGE = 10;

/* ---------- the question ---------- */

/**
 * The question as the bot shows it in an answer's title and searches it: whitespace folded, cut to fit the title.
 * Buttons read it back from the title (`questionFromTitle`), so every match of one answer comes from one ranking.
 */
export function fitQuestion(question: string): string {
  return fitEscaped(collapseWhitespace(question), EMBED_TITLE_LIMIT).text;
}

export function questionFromTitle(title: string | null | undefined): string {
  return unescapeText(title ?? '');
}

/* ---------- citations ---------- */

export function sourceUrl(baseUrl: string, file: string, [first, last]: Passage['lines']): string {
  // encodeURIComponent leaves parentheses alone, and a ")" would end a markdown link early.
  const path = file
    .split('/')
    .map((part) => encodeURIComponent(part).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
  return `${baseUrl}/${path}#L${first}-L${last}`;
}

/** `📄 003_00d230ab06dfad54.txt · line 20 · Title`, a link to the lines when a base URL is configured. */
export function citation(passage: Pick<Passage, 'file' | 'title' | 'lines'>, sourceBaseUrl: string | undefined): string {
  const title = cutAtWord(collapseWhitespace(passage.title), CITATION_TITLE_CHARS);
  const label = escapeText(`📄 ${passage.file} · ${describeLines(passage.lines)} · ${title}`);
  return sourceBaseUrl ? `[${label}](${sourceUrl(sourceBaseUrl, passage.file, passage.lines)})` : label;
}

/* ---------- the quoted passage ---------- */

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
 * every cut is marked with "…"; no word is ever changed.
 */
export function quotePassage(passage: ExplainedPassage, budget: number): string {
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

/* ---------- embeds ---------- */

/** A passage quoted for itself, not for a question: nothing in bold, nothing set apart. */
function unexplained(passage: Passage): ExplainedPassage {
  return { ...passage, highlights: [], bestSentence: [0, 0] };
}

export function matchLabel({ rank, total }: MatchPosition): string {
  return rank === undefined ? 'Picked from the suggestions' : `Match ${rank + 1} of ${total}`;
}

function citedQuote(
  passage: ExplainedPassage,
  sourceBaseUrl: string | undefined,
  budget = EMBED_DESCRIPTION_LIMIT,
): string {
  const cite = `**${citation(passage, sourceBaseUrl)}**`;
  return `${quotePassage(passage, budget - cite.length - 2)}\n\n${cite}`;
}

/** An answer: the question on top, the passage quoted, the citation under it; all of it stays in a pinned message. */
export function answerEmbed(
  question: string,
  passage: ExplainedPassage,
  position: MatchPosition,
  sourceBaseUrl: string | undefined,
): APIEmbed {
  return {
    color: ANSWER_COLOUR,
    ...(question ? { title: escapeText(question) } : {}),
    description: citedQuote(passage, sourceBaseUrl),
    footer: { text: matchLabel(position) },
  };
}

/** Several answers to one question in one message, sharing Discord's total for embeds; the first carries the question. */
export function answerEmbeds(
  question: string,
  passages: readonly ExplainedPassage[],
  sourceBaseUrl: string | undefined,
): APIEmbed[] {
  const title = escapeText(question);
  const footers = passages.map((_, rank) => matchLabel({ rank, total: passages.length }));
  const shared = EMBEDS_TOTAL_LIMIT - title.length - footers.reduce((sum, footer) => sum + footer.length, 0);
  const budget = Math.min(EMBED_DESCRIPTION_LIMIT, Math.floor(shared / Math.max(1, passages.length)));
  return passages.map((passage, rank) => ({
    color: ANSWER_COLOUR,
    ...(rank === 0 && title ? { title } : {}),
    description: citedQuote(passage, sourceBaseUrl, budget),
    footer: { text: footers[rank] as string },
  }));
}

const NOT_FOUND_REASONS: Record<NonNullable<Answer['reason']>, string> = {
  'empty-question': 'Your question has no words to search for: try asking with a few words.',
  'no-known-words': 'None of its words appear in the sources.',
  'weak-match': 'Some of its words appear, but no passage answers it.',
  'off-subject': 'Some of its words appear, but nothing in the sources is about it.',
};

/** "Not in the sources": the closest sources are named as hints, their text is never shown as if it answered. */
export function notFoundEmbed(question: string, answer: Answer, sourceBaseUrl: string | undefined): APIEmbed {
  const hints: Passage[] = [];
  for (const result of answer.results) {
    if (hints.length === HINTS_SHOWN) break;
    if (!hints.some((hint) => hint.file === result.file)) hints.push(result);
  }
  const lines = ["I couldn't find that in the sources."];
  if (answer.reason) lines.push(NOT_FOUND_REASONS[answer.reason]);
  if (hints.length > 0) {
    lines.push('', 'The closest sources, in case they help:', ...hints.map((hint) => `- ${citation(hint, sourceBaseUrl)}`));
  }
  lines.push('', '`/sources` lists everything I can quote from.');
  return {
    color: NOT_FOUND_COLOUR,
    ...(question ? { title: escapeText(question) } : {}),
    description: lines.join('\n'),
  };
}

/** "Show source": the cited passage quoted between its neighbours, which give it context. */
export function sourceContextEmbed(
  cited: Passage,
  neighbours: readonly Passage[],
  sourceBaseUrl: string | undefined,
  footer: string,
): APIEmbed {
  const cite = `**${citation(cited, sourceBaseUrl)}**`;
  const quote = quotePassage(unexplained(cited), EMBED_DESCRIPTION_LIMIT / 2);
  const others = neighbours.filter((passage) => passage.id !== cited.id);
  // Each part and the citation are separated by a blank line.
  const separators = 2 * neighbours.length;
  const room = Math.floor((EMBED_DESCRIPTION_LIMIT - quote.length - cite.length - separators) / Math.max(1, others.length));
  const context = (passage: Passage): string => {
    const label = `*${describeLines(passage.lines)}*\n`;
    return label + fitEscaped(passage.text.trim(), room - label.length).escaped;
  };
  const parts = neighbours.map((passage) => (passage.id === cited.id ? quote : context(passage)));
  return {
    color: ANSWER_COLOUR,
    title: fitEscaped(collapseWhitespace(cited.title), EMBED_TITLE_LIMIT).escaped,
    description: `${parts.join('\n\n')}\n\n${cite}`,
    footer: { text: footer },
  };
}

function passagesLabel(count: number): string {
  return count === 1 ? '1 passage' : `${count} passages`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function lineCount(text: string): number {
  return text.split('\n').length;
}

/** `/source`: a source's title and size, and one of its passages quoted and cited. */
export function sourceEmbed(
  source: Source,
  passage: Passage,
  passageCount: number,
  sourceBaseUrl: string | undefined,
  note: string,
): APIEmbed {
  const size = `${formatBytes(source.bytes)} · ${lineCount(source.text)} lines · ${passagesLabel(passageCount)}`;
  return {
    color: ANSWER_COLOUR,
    title: fitEscaped(collapseWhitespace(source.title), EMBED_TITLE_LIMIT).escaped,
    description: citedQuote(unexplained(passage), sourceBaseUrl),
    footer: { text: cutAtWord(`${source.file} · ${size}. ${note}`, EMBED_FOOTER_LIMIT) },
  };
}

export interface SourceEntry {
  readonly source: Source;
  readonly passageCount: number;
}

export function pageCount(items: number, perPage: number): number {
  return Math.max(1, Math.ceil(items / perPage));
}

/** `/sources`: one page of the sources, one line each; `search`, when given, says how answers are ranked now. */
export function sourcesPageEmbed(entries: readonly SourceEntry[], page: number, search?: string): APIEmbed {
  const pages = pageCount(entries.length, SOURCES_PER_PAGE);
  const pageLine = `Page ${page + 1} of ${pages}`;
  const shown = entries.slice(page * SOURCES_PER_PAGE, (page + 1) * SOURCES_PER_PAGE);
  const lines = shown.map(({ source, passageCount }) => {
    const title = cutAtWord(collapseWhitespace(source.title), CITATION_TITLE_CHARS);
    return fitEscaped(`📄 ${source.file} · ${title} · ${passagesLabel(passageCount)}`, SOURCE_LINE_CHARS).escaped;
  });
  return {
    color: ANSWER_COLOUR,
    title: `Sources (${entries.length})`,
    description: lines.length > 0 ? lines.join('\n') : 'The data folder has no sources.',
    footer: { text: cutAtWord(search === undefined ? pageLine : `${pageLine} · ${search}`, EMBED_FOOTER_LIMIT) },
  };
}

/* ---------- autocomplete ---------- */

/** An autocomplete choice's name, plain text: an excerpt (the best sentence) and where it comes from. */
export function suggestionName(passage: ExplainedPassage): string {
  const where = cutAtWord(`${passage.file.split('/').at(-1) ?? passage.file} ${describeLines(passage.lines)}`, 50);
  const [start, end] = passage.bestSentence;
  const excerpt = collapseWhitespace(passage.text.slice(start, end)) || collapseWhitespace(passage.text);
  const room = AUTOCOMPLETE_CHOICE_LIMIT - where.length - ' · '.length;
  return `${cutAtWord(excerpt, room)} · ${where}`;
}
