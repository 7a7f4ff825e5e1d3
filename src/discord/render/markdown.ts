import type { Code, Heading, Nodes, Root, RootContent } from 'mdast';
import { LRUCache } from 'lru-cache';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import type { TextRange } from '../../answer/answer.js';
import { OMISSION } from '../../answer/quote.js';
import { escapeText, neutraliseMentions } from '../text.js';
import { markdownLinkTarget } from './citation.js';

/**
 * A passage of a Markdown source shown as Markdown in Discord: its code blocks as code blocks, its links as links,
 * its lists as lists, headings as Discord's headings. What CommonMark reads as plain text is escaped, so that it
 * shows as the same characters under Discord's own rules (which differ: `||` is a spoiler there). Mentions are
 * neutralised everywhere, code included.
 *
 * The quote is made of whole blocks (a paragraph, a code block, a list item, a table row): when it must be cut to
 * fit, it is cut between blocks, or inside a paragraph at a word, and never inside a code fence; "[…]" marks every
 * omission. Markers for the question's words (bold) and the best sentence (underline) go only into plain text,
 * never into code, a link or other inline markup.
 */

/** What part of a passage to show, and what to set apart in it. */
export interface MarkdownQuoteRequest {
  /** The passage's own Markdown. */
  readonly text: string;
  /** The part of `text` that answers; the whole passage when absent. */
  readonly range?: TextRange;
  readonly highlights: readonly TextRange[];
  readonly bestSentence: TextRange;
  /** Prefix of every line: `> ` for a block quote, empty for plain context. */
  readonly linePrefix: string;
  /**
   * A link's target as an address Discord can open (a relative one resolved against where the source is published),
   * or undefined: the link then shows as its text.
   */
  readonly resolveLink: (url: string) => string | undefined;
}

type UnitKind = 'code' | 'heading' | 'paragraph' | 'item' | 'row' | 'other';

/** A block the quote is made of, with where it may be cut. */
interface Unit {
  readonly kind: UnitKind;
  /** [start, end) in the passage's text, from the start of its line. */
  readonly start: number;
  readonly end: number;
  readonly node: Nodes;
  /** A table's row: its pipes are escaped (Discord has no tables, and `||` is a spoiler there). */
  readonly inTable: boolean;
  /** Index of the top-level block it belongs to: the items of one list, the rows of one table, share it. */
  readonly group: number;
}

/** Plain text as CommonMark read it: escaped for Discord; styled when it stands in block containers only. */
interface TextSpan {
  readonly start: number;
  readonly end: number;
  /** Bold and underline may go into it (its ancestors are all blocks, not emphasis, a link or the like). */
  readonly styled: boolean;
  /** A bare address: copied as it is, since an escape would end up in the link. */
  readonly verbatim: boolean;
}

interface Analysis {
  readonly units: Unit[];
  readonly spans: TextSpan[];
  /**
   * Replacements of raw markup by offset: list markers Discord does not know (`+`, `1)`) as ones it does, images
   * as links.
   */
  readonly replacements: Map<number, { length: number; text: string }>;
  /**
   * What cannot be shown as Markdown, and is shown escaped: code blocks inside lists or quotes not fenced with
   * backticks (Discord cannot show them as code), and blocks holding a node the parser gave no position.
   */
  readonly unshowable: TextRange[];
  /** Links, written anew for Discord as `[text](address)` or as their text alone (see MarkdownQuoteRequest). */
  readonly links: LinkSpan[];
}

/** A link's markup around its text: [start, textStart) and [textEnd, end), and where it points. */
interface LinkSpan {
  readonly start: number;
  readonly textStart: number;
  readonly textEnd: number;
  readonly end: number;
  readonly url: string;
}

const BLOCK_CONTAINERS = new Set([
  'root',
  'paragraph',
  'heading',
  'list',
  'listItem',
  'blockquote',
  'table',
  'tableRow',
  'tableCell',
  'footnoteDefinition',
]);

/** Discord's code block names a language only in these characters; any other info string is left out. */
const DISCORD_LANGUAGE = /^[a-z0-9_+\-.#]+$/i;

/** Discord's headings go to level 3: deeper ones are shown at level 3 rather than as "#### text". */
const DEEPEST_HEADING = 3;

const FENCE = '```';

const startOf = (node: Nodes) => node.position?.start.offset ?? 0;
const endOf = (node: Nodes) => node.position?.end.offset ?? 0;

const PARSE_OPTIONS = { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] };

function parse(text: string): Root {
  return fromMarkdown(text, PARSE_OPTIONS);
}

/**
 * Passages read lately: an answer's passage is rendered again for Previous / Next, for "Show source" and as a
 * neighbour, and parsing is most of the cost of rendering.
 */
const ANALYSED_PASSAGES = 64;
const analyses = new LRUCache<string, Analysis>({ max: ANALYSED_PASSAGES });

function analysed(text: string): Analysis {
  let analysis = analyses.get(text);
  if (analysis === undefined) {
    analysis = analyse(text);
    analyses.set(text, analysis);
  }
  return analysis;
}

/** The start of `offset`'s line when only spaces stand before it there, else `offset`. */
function fromLineStart(text: string, offset: number): number {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*$/.test(text.slice(lineStart, offset)) ? lineStart : offset;
}

/**
 * A block a reader of the rendered page never sees as text: raw HTML made only of tags (`</details>`, a logo's
 * `<img>`), a paragraph of spaces (`&nbsp;`) and tags. Discord would show its markup as it is, so it is left out.
 */
function showsNothing(block: RootContent, text: string): boolean {
  if (block.type === 'html') return /^(?:\s|<[^>]*>)*$/.test(text.slice(startOf(block), endOf(block)));
  return (
    block.type === 'paragraph' &&
    block.children.every(
      (child) => child.type === 'html' || child.type === 'break' || (child.type === 'text' && child.value.trim() === ''),
    )
  );
}

function analyse(text: string): Analysis {
  const tree = parse(text);
  const spans: TextSpan[] = [];
  const replacements = new Map<number, { length: number; text: string }>();
  const unshowable: TextRange[] = [];
  const links: LinkSpan[] = [];
  // Reference links point where their definitions in the passage say; a definition elsewhere in the file is unknown.
  const definitions = new Map<string, string>();
  const define = (node: Nodes): void => {
    if (node.type === 'definition') definitions.set(node.identifier, node.url);
    if ('children' in node) for (const child of node.children) define(child);
  };
  define(tree);
  const walk = (node: Nodes, styled: boolean, verbatim: boolean, inLink: boolean, depth: number, within: TextRange): void => {
    // Nodes a transform made (a bare address found in text) may have no place in the text: their block is escaped.
    if (node.position === undefined) {
      unshowable.push(within);
      return;
    }
    if (node.type === 'text') {
      spans.push({ start: startOf(node), end: endOf(node), styled, verbatim });
      return;
    }
    if (node.type === 'image') {
      // Discord shows no images: one is a link to it, named by its alt text; a badge (an image in a link) is that
      // text in its link.
      const alt = escapeLiteral(node.alt ?? '', false) || 'image';
      const shown = inLink ? alt : `[${alt}](${markdownLinkTarget(node.url)})`;
      replacements.set(startOf(node), { length: endOf(node) - startOf(node), text: shown });
      return;
    }
    // A link with a title, an address in <…>, a relative address or a reference is written as `[text](address)`.
    const url = node.type === 'link' ? node.url : node.type === 'linkReference' ? definitions.get(node.identifier) : undefined;
    const [firstChild] = 'children' in node ? node.children : [];
    const lastChild = 'children' in node ? node.children.at(-1) : undefined;
    if (url !== undefined && firstChild !== undefined && lastChild !== undefined && text[startOf(node)] === '[') {
      const link = { start: startOf(node), textStart: startOf(firstChild), textEnd: endOf(lastChild), end: endOf(node), url };
      if (link.start < link.textStart && link.textStart <= link.textEnd && link.textEnd < link.end) links.push(link);
    }
    if (node.type === 'code' && depth > 1 && !text.startsWith(FENCE, startOf(node))) {
      unshowable.push([startOf(node), endOf(node)]);
    }
    if (node.type === 'listItem') {
      const marker = /^(?:\+|\d{1,9}\))/.exec(text.slice(startOf(node)))?.[0];
      if (marker === '+') replacements.set(startOf(node), { length: 1, text: '-' });
      else if (marker !== undefined) replacements.set(startOf(node) + marker.length - 1, { length: 1, text: '.' });
    }
    if (!('children' in node)) return;
    // A bare address is a link whose text is the address itself.
    const bare = node.type === 'link' && text[startOf(node)] !== '[';
    const place: TextRange = depth <= 1 ? [startOf(node), endOf(node)] : within;
    for (const child of node.children) {
      walk(child, styled && BLOCK_CONTAINERS.has(node.type), verbatim || bare, inLink || node.type === 'link', depth + 1, place);
    }
  };
  walk(tree, true, false, false, 0, [0, text.length]);
  spans.sort((a, b) => a.start - b.start);

  const units: Unit[] = [];
  let group = 0;
  const add = (kind: UnitKind, node: Nodes, start: number, end: number, inTable = false) => {
    const from = fromLineStart(text, start);
    const to = from + text.slice(from, end).trimEnd().length;
    if (to > from) units.push({ kind, start: from, end: to, node, inTable, group });
  };
  for (const [index, block] of tree.children.entries()) {
    group = index;
    if (block.type === 'list') {
      for (const item of block.children) add('item', item, startOf(item), endOf(item));
    } else if (block.type === 'table') {
      // The header row and the delimiter row under it go together.
      const [header, ...rows] = block.children;
      const headerEnd = rows[0] === undefined ? endOf(block) : text.lastIndexOf('\n', startOf(rows[0]) - 1);
      if (header !== undefined) add('row', header, startOf(header), headerEnd, true);
      for (const row of rows) add('row', row, startOf(row), endOf(row), true);
    } else if (block.type !== 'definition' && !showsNothing(block, text)) {
      const kind: UnitKind =
        block.type === 'code' ? 'code' : block.type === 'heading' ? 'heading' : block.type === 'paragraph' ? 'paragraph' : 'other';
      add(kind, block, startOf(block), endOf(block));
    }
  }
  return { units, spans, replacements, unshowable, links };
}

/**
 * The part of a Markdown passage to quote for `range`: the range itself, unless it ends with a paragraph or list
 * item that ends in a colon ("…with this command:"), which announces the block after it — the code block, the
 * list, the table — and is quoted with it.
 */
export function markdownFocus(text: string, range: TextRange): TextRange {
  const { units } = analysed(text);
  let end = range[1];
  for (;;) {
    const last = units.findLastIndex((unit) => unit.start < end);
    const unit = units[last];
    const next = units[last + 1];
    if (unit === undefined || next === undefined || unit.kind === 'code') break;
    if (text.slice(end, unit.end).trim() !== '' || !text.slice(unit.start, unit.end).trimEnd().endsWith(':')) break;
    // The block that follows: all of a list or a table.
    const following = units.slice(last + 1);
    const through = following.findIndex((candidate) => candidate.group !== next.group);
    end = (following[through === -1 ? following.length - 1 : through - 1] as Unit).end;
  }
  return [range[0], end];
}

/** Characters that are plain text to CommonMark but may be markup to Discord: each is escaped. */
const DISCORD_MARKUP = new Set(['*', '_', '~', '`', '|', '[', ']', '<', '>']);

/** Markers must not touch these where they stand next to markup: `**` beside `*` is no longer bold. */
const MARKUP_NEIGHBOUR = /[*_~`|]/;

const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;

/**
 * Plain text at a line's start that Discord reads as markup and CommonMark may not: `-#` (small text) and
 * `12. ` (a list item; CommonMark does not let one interrupt a paragraph). Its last character is escaped.
 */
const LINE_START_MARKUP = /^([ \t]*(?:\d{1,9}(?=\.[ \t])|(?=-#)))([-.])/;

/**
 * Plain text of the source (raw, with its own escapes) written so that Discord shows the same characters. At the
 * start of a line, `-#` (Discord's small text) and `12. ` (a list to Discord, not always to CommonMark) are
 * escaped too.
 */
function escapeLiteral(raw: string, startsLine: boolean): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const char = raw[i] as string;
    const next = raw[i + 1];
    const atLineStart = i === 0 ? startsLine : raw[i - 1] === '\n';
    if (char === '\\') {
      if (next !== undefined && ASCII_PUNCTUATION.test(next)) {
        out += char + next;
        i++;
      } else {
        // A backslash before a letter, or at the end: doubled, so that no marker after it is escaped.
        out += '\\\\';
      }
    } else if (DISCORD_MARKUP.has(char)) {
      out += `\\${char}`;
    } else if (atLineStart && LINE_START_MARKUP.test(raw.slice(i))) {
      const [, lead = '', marker = ''] = LINE_START_MARKUP.exec(raw.slice(i)) ?? [];
      out += `${lead}\\${marker}`;
      i += lead.length + marker.length - 1;
    } else {
      out += char;
    }
  }
  return out;
}

/**
 * `content` between `marker`s, the markers hugging its words (`** word**` is not bold). Left plain when a marker
 * would touch markup beside it, and when it holds no letter or digit.
 */
function wrap(content: string, marker: string, before: string, after: string): string {
  const match = /^(\s*)([\s\S]*?)(\s*)$/.exec(content);
  const [, lead = '', body = '', trail = ''] = match ?? [];
  // Nothing to set apart in a lone mark (the "." after a link).
  if (!/[\p{L}\p{N}]/u.test(body)) return content;
  if ((lead === '' && MARKUP_NEIGHBOUR.test(before)) || (trail === '' && MARKUP_NEIGHBOUR.test(after))) return content;
  return `${lead}${marker}${body}${marker}${trail}`;
}

const within = (ranges: readonly TextRange[], start: number, end: number) =>
  ranges.some(([from, to]) => from <= start && end <= to);

/** Renders a passage's Markdown for Discord; one renderer per passage text. */
class MarkdownRenderer {
  readonly #text: string;
  readonly #analysis: Analysis;
  readonly #bold: readonly TextRange[];
  readonly #best: TextRange;
  /** The analysis's replacements, and each link's markup around its text. */
  readonly #replacements: Map<number, { length: number; text: string }>;

  constructor(request: MarkdownQuoteRequest) {
    this.#text = request.text;
    this.#analysis = analysed(request.text);
    this.#bold = request.highlights;
    this.#best = request.bestSentence;
    this.#replacements = new Map(this.#analysis.replacements);
    for (const link of this.#analysis.links) {
      const target = request.resolveLink(link.url);
      this.#replacements.set(link.start, { length: link.textStart - link.start, text: target === undefined ? '' : '[' });
      this.#replacements.set(link.textEnd, {
        length: link.end - link.textEnd,
        text: target === undefined ? '' : `](${markdownLinkTarget(target)})`,
      });
    }
  }

  get units(): readonly Unit[] {
    return this.#analysis.units;
  }

  /** The plain-text span holding `offset` that bold and underline may go into, if any. */
  styledSpanAt(offset: number, edge: 'start' | 'end'): TextSpan | undefined {
    return this.#analysis.spans.find(
      (span) => span.styled && !span.verbatim && (edge === 'start' ? span.start <= offset && offset < span.end : span.start < offset && offset <= span.end),
    );
  }

  /** Word ends inside styled plain text of [from, to): where a paragraph or list item may be cut. */
  cutPoints(from: number, to: number): number[] {
    const points: number[] = [];
    for (const span of this.#analysis.spans) {
      if (!span.styled || span.verbatim || span.end <= from || span.start >= to) continue;
      for (const match of this.#text.slice(span.start, span.end).matchAll(/\S+/g)) {
        const end = span.start + match.index + match[0].length;
        if (end > from && end < to) points.push(end);
      }
    }
    return points;
  }

  /** The unit's [from, to) for Discord, mentions neutralised; lines not yet prefixed. */
  render(unit: Unit, from = unit.start, to = unit.end): string {
    const text = this.#text;
    const fallback = () => neutraliseMentions(escapeText(text.slice(from, to)));
    if (this.#analysis.unshowable.some(([start, end]) => start < to && end > from)) return fallback();
    let shown: string;
    if (unit.kind === 'code') {
      const code = unit.node as Code;
      if (code.value.includes(FENCE) || code.value.trim() === '') return fallback();
      const language = code.lang && DISCORD_LANGUAGE.test(code.lang) ? code.lang : '';
      shown = `${FENCE}${language}\n${code.value}\n${FENCE}`;
    } else if (unit.kind === 'heading') {
      const heading = unit.node as Heading;
      const [first] = heading.children;
      const last = heading.children.at(-1);
      if (first === undefined || last === undefined) return fallback();
      const level = Math.min(heading.depth, DEEPEST_HEADING);
      shown = `${'#'.repeat(level)} ${this.#inline(Math.max(from, startOf(first)), Math.min(to, endOf(last)), unit.inTable)}`;
    } else {
      shown = this.#inline(from, to, unit.inTable);
    }
    // Markup whose fences do not pair up (an unclosed fence, ``` in inline code) would swallow what follows.
    if (shown.split(FENCE).length % 2 === 0) return fallback();
    return neutraliseMentions(shown);
  }

  /** A code unit's first `lines` lines, fenced; undefined when Discord cannot show its code as code. */
  renderCodeLines(unit: Unit, lines: number): string | undefined {
    const code = unit.node as Code;
    if (code.value.includes(FENCE)) return undefined;
    const language = code.lang && DISCORD_LANGUAGE.test(code.lang) ? code.lang : '';
    return neutraliseMentions(`${FENCE}${language}\n${code.value.split('\n').slice(0, lines).join('\n')}\n${FENCE}`);
  }

  /** [from, to) with markup as it is and plain text escaped (and styled where it may be). */
  #inline(from: number, to: number, inTable: boolean): string {
    let out = '';
    let at = from;
    for (const span of this.#analysis.spans) {
      if (span.end <= from || span.start >= to) continue;
      const start = Math.max(span.start, from);
      const end = Math.min(span.end, to);
      out += this.#raw(at, start, inTable);
      out += this.#plain(span, start, end);
      at = end;
    }
    return out + this.#raw(at, to, inTable);
  }

  /** Markup, copied as it is but for list markers Discord does not know and a table's pipes. */
  #raw(from: number, to: number, inTable: boolean): string {
    let out = '';
    for (let at = from; at < to; at++) {
      const replacement = this.#replacements.get(at);
      if (replacement !== undefined && replacement.length > 0) {
        out += replacement.text;
        at += replacement.length - 1;
        continue;
      }
      const char = this.#text[at] as string;
      out += inTable && char === '|' && this.#text[at - 1] !== '\\' ? '\\|' : char;
    }
    return out;
  }

  /** Plain text [from, to) of `span`: escaped; the question's words in bold and the best sentence underlined. */
  #plain(span: TextSpan, from: number, to: number): string {
    const text = this.#text;
    if (span.verbatim) return text.slice(from, to);
    const startsLine = from === 0 || text[from - 1] === '\n';
    if (!span.styled) return escapeLiteral(text.slice(from, to), startsLine);
    const cuts = new Set([from, to]);
    for (const [start, end] of [...this.#bold, this.#best]) {
      if (start > from && start < to) cuts.add(start);
      if (end > from && end < to) cuts.add(end);
    }
    // Styles stop at line ends: each line of a quote starts with its own prefix.
    for (let newline = text.indexOf('\n', from); newline !== -1 && newline < to; newline = text.indexOf('\n', newline + 1)) {
      cuts.add(newline);
      if (newline + 1 < to) cuts.add(newline + 1);
    }
    const points = [...cuts].sort((a, b) => a - b);
    const before = from === span.start ? (text[from - 1] ?? '') : '';
    const after = to === span.end ? (text[to] ?? '') : '';
    let out = '';
    let run = '';
    let runMarked: boolean | undefined;
    let runStart = from;
    const flush = (end: number) => {
      if (runMarked === undefined) return;
      out += runMarked ? wrap(run, '__', runStart === from ? before : '', end === to ? after : '') : run;
      run = '';
    };
    for (let i = 0; i + 1 < points.length; i++) {
      const start = points[i] as number;
      const end = points[i + 1] as number;
      const piece = text.slice(start, end);
      const newline = piece === '\n';
      const marked = !newline && within([this.#best], start, end);
      if (marked !== runMarked || newline) {
        flush(start);
        runMarked = marked;
        runStart = start;
      }
      const escaped = escapeLiteral(piece, start === 0 || text[start - 1] === '\n');
      const bold = !newline && within(this.#bold, start, end);
      run += bold ? wrap(escaped, '**', start === from ? before : '', end === to ? after : '') : escaped;
    }
    flush(to);
    return out;
  }
}

/** A block of a quote, on its own lines, and what stands before it. */
interface Piece {
  readonly text: string;
  /** "\n" to go on in the same block quote; "\n\n" to start another, as a blank line between blocks does. */
  readonly separator: string;
}

/** Where "[…]" goes at one end of a quote: nowhere (nothing omitted), on a line of its own, or inline. */
type Mark = 'none' | 'line' | 'inline';

function prefixLines(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}

/** Last of `candidates` (in increasing order of length) whose quote fits, by binary search. */
function lastFitting<T>(candidates: readonly T[], quote: (candidate: T) => string, budget: number): string | undefined {
  let found: string | undefined;
  for (let low = 0, high = candidates.length - 1; low <= high; ) {
    const middle = (low + high) >> 1;
    const candidate = quote(candidates[middle] as T);
    if (candidate.length <= budget) {
      found = candidate;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

/**
 * The passage's Markdown for Discord within `budget` characters (see the top of this file), or undefined when no
 * whole block and no part of a paragraph fits: the caller then shows it as escaped text.
 */
export function quoteMarkdown(request: MarkdownQuoteRequest, budget: number): string | undefined {
  const { text, linePrefix } = request;
  const [from, to] = request.range ?? [0, text.length];
  const renderer = new MarkdownRenderer(request);
  const shown = renderer.units.filter((unit) => unit.end > from && unit.start < to);
  const first = shown[0];
  const last = shown.at(-1);
  if (first === undefined || last === undefined) return undefined;

  // The quote may start and end inside a paragraph or list item, at its plain text; elsewhere it takes whole blocks.
  const cuttable = (unit: Unit) => unit.kind === 'paragraph' || unit.kind === 'item';
  const start = cuttable(first) && from > first.start && renderer.styledSpanAt(from, 'start') ? from : first.start;
  const end = cuttable(last) && to < last.end && renderer.styledSpanAt(to, 'end') ? to : last.end;
  const bounds = (index: number): [number, number] => {
    const unit = shown[index] as Unit;
    return [index === 0 ? start : unit.start, index === shown.length - 1 ? end : unit.end];
  };
  const rendered = shown.map((unit, index) => prefixLines(renderer.render(unit, ...bounds(index)), linePrefix));
  const separatorBefore = (index: number) =>
    /\n[ \t]*\n/.test(text.slice((shown[index - 1] as Unit).end, (shown[index] as Unit).start)) ? '\n\n' : '\n';
  const omitted = escapeText(OMISSION);
  // Something is left out before `at` (or after it) when a block shown starts before it (ends after it).
  const markBefore = (at: number, inline: boolean): Mark =>
    renderer.units.some((unit) => unit.start < at) ? (inline ? 'inline' : 'line') : 'none';
  const markAfter = (at: number, inline: boolean): Mark =>
    renderer.units.some((unit) => unit.end > at) ? (inline ? 'inline' : 'line') : 'none';

  const compose = (pieces: readonly Piece[], head: Mark, tail: Mark): string => {
    const all = [...pieces];
    const top = all[0];
    if (head === 'inline' && top) all[0] = { ...top, text: top.text.replace(linePrefix, `${linePrefix}${omitted} `) };
    else if (head === 'line') all.unshift({ text: linePrefix + omitted, separator: '\n' });
    const bottom = all.at(-1);
    if (tail === 'inline' && bottom) all[all.length - 1] = { ...bottom, text: `${bottom.text} ${omitted}` };
    else if (tail === 'line') all.push({ text: linePrefix + omitted, separator: '\n' });
    return all.map((piece, index) => (index === 0 ? '' : piece.separator) + piece.text).join('');
  };
  /** Whole units [i, j]. */
  const units = (i: number, j: number): string =>
    compose(
      rendered.slice(i, j + 1).map((piece, k) => ({ text: piece, separator: k === 0 ? '\n' : separatorBefore(i + k) })),
      // "[…]" goes inline before a paragraph or text cut, and after a paragraph or list item; on a line of its own
      // next to a heading, a code block, a table.
      markBefore(bounds(i)[0], (shown[i] as Unit).kind === 'paragraph' || (i === 0 && start > first.start)),
      markAfter(bounds(j)[1], cuttable(shown[j] as Unit)),
    );

  const all = units(0, shown.length - 1);
  if (all.length <= budget) return all;

  // Too long: the block holding the best sentence, with as many blocks before it (from the top) and after it as fit.
  const [bestStart, bestEnd] = request.bestSentence;
  const bestAt = Math.max(
    0,
    shown.findIndex((unit) => unit.end > bestStart),
  );
  const i = units(0, bestAt).length <= budget ? 0 : bestAt;
  if (units(i, bestAt).length <= budget) {
    let j = bestAt;
    while (j + 1 < shown.length && units(i, j + 1).length <= budget) j++;
    return units(i, j);
  }

  // The best block alone is too long: cut inside it, never inside a code fence.
  const unit = shown[bestAt] as Unit;
  const [unitStart, unitEnd] = bounds(bestAt);
  if (unit.kind === 'code') {
    // A code block is shown to its last whole line that fits, its fence closed, "[…]" after it.
    if (renderer.renderCodeLines(unit, 1) === undefined) return undefined;
    const lineCounts = Array.from({ length: (unit.node as Code).value.split('\n').length - 1 }, (_, k) => k + 1);
    const fenced = (lines: number) =>
      compose(
        [{ text: prefixLines(renderer.renderCodeLines(unit, lines) ?? '', linePrefix), separator: '\n' }],
        markBefore(unitStart, false),
        'line',
      );
    return lastFitting(lineCounts, fenced, budget);
  }
  if (!cuttable(unit)) return undefined;
  const cutFrom = (headAt: number) => (cut: number) =>
    compose(
      [{ text: prefixLines(renderer.render(unit, headAt, cut), linePrefix), separator: '\n' }],
      markBefore(headAt, headAt > unit.start),
      'inline',
    );
  const reachesBest = renderer.cutPoints(unitStart, unitEnd).find((point) => point >= bestEnd);
  // From the block's start when that reaches the best sentence's end, else from the best sentence.
  if (reachesBest !== undefined && cutFrom(unitStart)(reachesBest).length <= budget) {
    return lastFitting(renderer.cutPoints(unitStart, unitEnd), cutFrom(unitStart), budget);
  }
  if (bestStart > unitStart && renderer.styledSpanAt(bestStart, 'start')) {
    const fromBest = lastFitting(renderer.cutPoints(bestStart, unitEnd), cutFrom(bestStart), budget);
    if (fromBest !== undefined) return fromBest;
  }
  return lastFitting(renderer.cutPoints(unitStart, unitEnd), cutFrom(unitStart), budget);
}
