import path from 'node:path';
import { cutTitle } from './titles.js';
import type { Reader } from './reader.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Windows-1252's characters for the bytes 0x80–0x9F, where it differs from Latin-1 (curly quotes, dashes, €).
 * Node's TextDecoder decodes "windows-1252" as Latin-1 in builds without full ICU, so the table is kept here.
 * Bytes that Windows-1252 leaves undefined keep their Latin-1 control character.
 */
const WINDOWS_1252_HIGH =
  '\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F' +
  '\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178';

export function decodeWindows1252(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) {
    text += byte >= 0x80 && byte <= 0x9f ? WINDOWS_1252_HIGH[byte - 0x80] : String.fromCharCode(byte);
  }
  return text;
}

/**
 * Bytes → text with true line numbers: UTF-8 (BOM stripped), or Windows-1252 when the bytes are not valid UTF-8
 * (told to `onFallback`); CRLF and lone CR folded to LF.
 */
export function decodeText(bytes: Uint8Array, onFallback: () => void = () => {}): string {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    onFallback();
    text = decodeWindows1252(bytes);
  }
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/** The note given when a text file is read as Windows-1252. */
export const NOT_UTF8 = 'is not valid UTF-8: read it as Windows-1252; save it as UTF-8 to be sure of its characters';

/** The first non-empty line of `text`, reading no further into a long source than that line. */
function firstLine(text: string): string {
  let start = 0;
  for (;;) {
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end === -1 ? undefined : end).trim();
    if (line !== '' || end === -1) return line;
    start = end + 1;
  }
}

/**
 * A text file's title: its first non-empty line, stripped of Markdown heading and emphasis marks, and cut to its first sentence
 * (then to MAX_TITLE_CHARS) when the line is a whole paragraph; the file's name when it has no text.
 */
export function textTitle(text: string, file: string): string {
  const title = cutTitle(firstLine(text).replace(/^#{1,6}\s+/, '').replace(/[*_`]+/g, ''));
  return title === '' ? path.posix.basename(file) : title;
}

/** Plain text: the file's own text, cut into passages along its paragraphs. */
export const textReader: Reader = {
  format: 'text',
  extensions: ['.txt'],
  cached: false,
  read(bytes, { file, note }) {
    const text = decodeText(bytes, () => note(NOT_UTF8));
    return Promise.resolve({ text, title: textTitle(text, file) });
  },
};
