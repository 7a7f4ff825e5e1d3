import type { APIEmbed } from 'discord.js';
import type { Answer } from '../../answer/answer.js';
import type { Passage, Source, WebPageState } from '../../corpus/types.js';
import { CITATION_TITLE_CHARS, describeLines, describePlace } from '../../answer/citation.js';
import { collapseWhitespace, cutAtWord } from '../../text.js';
import {
  AUTOCOMPLETE_CHOICE_LIMIT,
  EMBED_DESCRIPTION_LIMIT,
  EMBED_FOOTER_LIMIT,
  EMBED_TITLE_LIMIT,
  EMBEDS_TOTAL_LIMIT,
} from '../limits.js';
import { escapeText, fitEscaped, unescapeText } from '../text.js';
import { citation } from './citation.js';
import { quoteMarkdown } from './markdown.js';
import { linkResolver, quotePassage, shownFocus, type ExplainedPassage, type MatchPosition } from './quote.js';
import {
  CLOSEST_SOURCES,
  failingWebPages,
  matchOf,
  NO_SOURCES,
  NOT_IN_SOURCES,
  PICKED_FROM_SUGGESTIONS,
  SOURCES_LIST_HINT,
  WHY_NOT_IN_SOURCES,
  webPageFailing,
  webPageUnserved,
} from '../../messages.js';

const ANSWER_COLOUR = 0x2b6cb0;
const NOT_FOUND_COLOUR = 0x718096;
const HINTS_SHOWN = 3;
/** Ten lines of `/sources` stay well within a description, whatever the file names. */
const SOURCE_LINE_CHARS = 400;
export const SOURCES_PER_PAGE = 10;

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

/** A passage quoted for itself, not for a question: nothing in bold, nothing set apart. */
function unexplained(passage: Passage): ExplainedPassage {
  return { ...passage, highlights: [], bestSentence: [0, 0] };
}

export function matchLabel({ rank, total }: MatchPosition): string {
  return rank === undefined ? PICKED_FROM_SUGGESTIONS : matchOf(rank, total);
}

function citedQuote(
  passage: ExplainedPassage,
  sourceBaseUrl: string | undefined,
  budget = EMBED_DESCRIPTION_LIMIT,
): string {
  // The citation names the lines quoted, not the whole passage's.
  const shown = shownFocus(passage);
  const cite = `**${citation({ ...shown, lines: shown.quoteLines ?? shown.lines }, sourceBaseUrl)}**`;
  return `${quotePassage(shown, budget - cite.length - 2, sourceBaseUrl)}\n\n${cite}`;
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


/** "Not in the sources": the closest sources are named as hints, their text is never shown as if it answered. */
export function notFoundEmbed(question: string, answer: Answer, sourceBaseUrl: string | undefined): APIEmbed {
  const hints: Passage[] = [];
  for (const result of answer.results) {
    if (hints.length === HINTS_SHOWN) break;
    if (!hints.some((hint) => hint.file === result.file)) hints.push(result);
  }
  const lines = [NOT_IN_SOURCES];
  if (answer.reason) lines.push(WHY_NOT_IN_SOURCES[answer.reason]);
  if (hints.length > 0) {
    lines.push('', CLOSEST_SOURCES, ...hints.map((hint) => `- ${citation(hint, sourceBaseUrl)}`));
  }
  lines.push('', SOURCES_LIST_HINT);
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
  const quote = quotePassage(unexplained(cited), EMBED_DESCRIPTION_LIMIT / 2, sourceBaseUrl);
  const others = neighbours.filter((passage) => passage.id !== cited.id);
  // Each part and the citation are separated by a blank line.
  const separators = 2 * neighbours.length;
  const room = Math.floor((EMBED_DESCRIPTION_LIMIT - quote.length - cite.length - separators) / Math.max(1, others.length));
  const context = (passage: Passage): string => {
    const pages = describePlace({ page: passage.page, pageEnd: passage.pageEnd });
    const label = `*${pages === '' ? '' : `${pages} · `}${describeLines(passage.lines)}*\n`;
    const markdown =
      passage.format === 'markdown'
        ? quoteMarkdown(
            {
              text: passage.text,
              highlights: [],
              bestSentence: [0, 0],
              linePrefix: '',
              resolveLink: linkResolver(passage, sourceBaseUrl),
            },
            room - label.length,
          )
        : undefined;
    return label + (markdown ?? fitEscaped(passage.text.trim(), room - label.length).escaped);
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

function pagesLabel(count: number): string {
  return count === 1 ? '1 page' : `${count} pages`;
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
  const pages = source.pageStarts === undefined ? '' : ` · ${pagesLabel(source.pageStarts.length)}`;
  const size = `${formatBytes(source.bytes)}${pages} · ${lineCount(source.text)} lines · ${passagesLabel(passageCount)}`;
  return {
    color: ANSWER_COLOUR,
    title: fitEscaped(collapseWhitespace(source.title), EMBED_TITLE_LIMIT).escaped,
    description: citedQuote(unexplained(passage), sourceBaseUrl),
    footer: { text: cutAtWord(`${source.file} · ${size}. ${note}`, EMBED_FOOTER_LIMIT) },
  };
}

/** A line of `/sources`: a source, or a listed web page with nothing to answer from. */
export type SourceEntry =
  | { readonly source: Source; readonly passageCount: number }
  | { readonly unserved: WebPageState };

export function pageCount(items: number, perPage: number): number {
  return Math.max(1, Math.ceil(items / perPage));
}

/** A date of an ISO 8601 time, as `/sources` shows it. */
const day = (time: string | undefined) => time?.slice(0, 10);

function sourceLine(entry: SourceEntry): string {
  if ('unserved' in entry) {
    const { address, problem, listedIn } = entry.unserved;
    return `🌐 ${address} · ${webPageUnserved(problem ?? 'not fetched yet', listedIn)}`;
  }
  const { source, passageCount } = entry;
  const title = cutAtWord(collapseWhitespace(source.title), CITATION_TITLE_CHARS);
  const line = `${source.web ? '🌐' : '📄'} ${source.file} · ${title} · ${passagesLabel(passageCount)}`;
  const web = source.web;
  if (web === undefined) return line;
  if (web.status === 'failing') {
    return `${line} · ${webPageFailing(web.problem ?? 'the last fetch failed', day(web.tried), day(web.retrieved))}`;
  }
  return web.retrieved === undefined ? line : `${line} · retrieved ${day(web.retrieved)}`;
}

const isFailing = (entry: SourceEntry) => 'unserved' in entry || entry.source.web?.status === 'failing';

/**
 * `/sources`: one page of the sources, one line each — a web page with its retrieval date, or why it fails and the
 * date of the copy still answered from; `search`, when given, says how answers are ranked now.
 */
export function sourcesPageEmbed(entries: readonly SourceEntry[], page: number, search?: string): APIEmbed {
  const pages = pageCount(entries.length, SOURCES_PER_PAGE);
  const failing = entries.filter(isFailing).length;
  const footer = [
    `Page ${page + 1} of ${pages}`,
    ...(failing > 0 ? [failingWebPages(failing)] : []),
    ...(search === undefined ? [] : [search]),
  ].join(' · ');
  const shown = entries.slice(page * SOURCES_PER_PAGE, (page + 1) * SOURCES_PER_PAGE);
  const lines = shown.map((entry) => fitEscaped(sourceLine(entry), SOURCE_LINE_CHARS).escaped);
  const sources = entries.filter((entry) => 'source' in entry).length;
  return {
    color: ANSWER_COLOUR,
    title: `Sources (${sources})`,
    description: lines.length > 0 ? lines.join('\n') : NO_SOURCES,
    footer: { text: cutAtWord(footer, EMBED_FOOTER_LIMIT) },
  };
}

/** An autocomplete choice's name, plain text: an excerpt (the best sentence) and where it comes from. */
export function suggestionName(passage: ExplainedPassage): string {
  const where = cutAtWord(`${passage.file.split('/').at(-1) ?? passage.file} ${describeLines(passage.lines)}`, 50);
  const [start, end] = passage.bestSentence;
  const excerpt = collapseWhitespace(passage.text.slice(start, end)) || collapseWhitespace(passage.text);
  const room = AUTOCOMPLETE_CHOICE_LIMIT - where.length - ' · '.length;
  return `${cutAtWord(excerpt, room)} · ${where}`;
}
