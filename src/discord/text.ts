import { escapeMarkdown } from 'discord.js';

/** Marks every cut the bot makes in a text it shows. */
export const ELLIPSIS = '…';

const ZERO_WIDTH_SPACE = '\u200b';
/** Splits text into the characters a reader sees (an emoji with its modifiers is one). */
export const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The longest start of `text` no longer than `limit` that does not split a character (emoji and accents included). */
function cutAtCharacter(text: string, limit: number): string {
  let end = 0;
  for (const { index, segment } of graphemes.segment(text)) {
    if (index + segment.length > limit) break;
    end = index + segment.length;
  }
  return text.slice(0, end);
}

/**
 * `text` if it fits in `limit`, else its longest start that ends at a word boundary, followed by "…".
 * A first word longer than the limit is cut between characters.
 */
export function cutAtWord(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const room = limit - ELLIPSIS.length;
  // The character just past the room may be the space that ends a word that fits exactly.
  const lastSpace = text.slice(0, room + 1).search(/\s\S*$/);
  const kept = lastSpace > 0 ? text.slice(0, lastSpace).trimEnd() : '';
  return (kept || cutAtCharacter(text, room)) + ELLIPSIS;
}

/** Runs of whitespace (line breaks included) as single spaces: for plain-text places such as choice names. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A whole word (a run of non-spaces) holding a character of inline markdown. */
const MARKDOWN_WORD = /(?<!\S)[^\s\\*_~|`]*[\\*_~|`]\S*/g;

const LINE_START_ONLY = {
  codeBlock: false,
  inlineCode: false,
  bold: false,
  italic: false,
  underline: false,
  strikethrough: false,
  spoiler: false,
  escape: false,
  heading: true,
  bulletedList: true,
  numberedList: true,
} as const;

/**
 * Text from the sources or from a member, made safe to show in Discord markdown: it renders as the same characters,
 * never as formatting, a link, a heading, a list, a quote or a mention.
 */
export function escapeText(text: string): string {
  // Word by word, and only words with a markdown character: escapeMarkdown's look-behinds rescan the whole line at
  // every character, which is slow on long lines, and inline markdown is escaped the same word by word.
  const inline = text.replace(MARKDOWN_WORD, (word) => escapeMarkdown(word));
  return (
    // The line-start rules are multiline patterns that never cross a line break: one pass over the whole text
    // escapes each line as a pass per line would.
    escapeMarkdown(inline, LINE_START_ONLY)
      .replace(/[[\]]/g, '\\$&')
      .replace(/^( *)-#/gm, '$1\\-#')
      .replace(/^( *)>/gm, '$1\\>')
      .replace(/@(?=everyone|here|[!&]?\d)/g, `@${ZERO_WIDTH_SPACE}`)
  );
}

/** The inverse of `escapeText`: reads back a text the bot wrote, such as the question in an answer's title. */
export function unescapeText(shown: string): string {
  return shown.replace(new RegExp(`@${ZERO_WIDTH_SPACE}(?=everyone|here|[!&]?\\d)`, 'g'), '@').replace(/\\(.)/gs, '$1');
}

/** `text`, cut at a word boundary just enough that its escaped form fits in `limit`: both forms are returned. */
export function fitEscaped(text: string, limit: number): { text: string; escaped: string } {
  let room = limit;
  for (;;) {
    const cut = cutAtWord(text, room);
    const escaped = escapeText(cut);
    if (escaped.length <= limit) return { text: cut, escaped };
    room -= escaped.length - limit;
  }
}
