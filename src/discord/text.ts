import { escapeMarkdown } from 'discord.js';
import { cutAtWord } from '../text.js';

const ZERO_WIDTH_SPACE = '\u200b';

/** The `@` of `@everyone`, `@here` and of user and role mentions (`<@123>`, `<@!123>`, `<@&123>`). */
const MENTION = /@(?=everyone|here|[!&]?\d)/g;

/** A whole word (a run of non-spaces) holding a character of inline markdown. */
const MARKDOWN_WORD = /(?<!\S)[^\s\\*_~|`]*[\\*_~|`]\S*/g;

/** A backtick and the backslashes before it: escaped when they are odd in number (backslashes are escaped too). */
const UNESCAPED_BACKTICK = /(\\*)`/g;

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
      // escapeMarkdown escapes a run of backticks three at a time and may leave one or two bare (five come out as
      // \`\`\```), which read with the escaped one before them as a fence: every backtick not already escaped is.
      .replace(UNESCAPED_BACKTICK, (match: string, backslashes: string) => (backslashes.length % 2 === 1 ? match : `${backslashes}\\\``))
      .replace(/[[\]]/g, '\\$&')
      .replace(/^( *)-#/gm, '$1\\-#')
      .replace(/^( *)>/gm, '$1\\>')
      .replace(MENTION, `@${ZERO_WIDTH_SPACE}`)
  );
}

/** Mentions made inert: an invisible space after the `@`, so that they show as typed and never ping. */
export function neutraliseMentions(text: string): string {
  return text.replace(MENTION, `@${ZERO_WIDTH_SPACE}`);
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
