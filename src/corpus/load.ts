import { readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import path from 'node:path';
import type { Source } from './types.js';
import { sentenceRanges } from './sentences.js';
import { cutAtWord } from '../text.js';

/** The data folder cannot be used at all: the message says what to do about it. */
export class DataFolderError extends Error {
  override name = 'DataFolderError';
}

/** File endings read as sources. */
export const SOURCE_EXTENSIONS: readonly string[] = ['.txt', '.md'];

/**
 * The optional synonyms file at the top of the data folder. It configures search and is not a source.
 * See README.md, "Synonyms".
 */
export const SYNONYMS_FILE = 'synonyms.txt';

export type Warn = (message: string) => void;

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
 * Files under `dir` with a source ending, relative to `root`, with forward slashes, sorted by path. `prefix` is
 * `dir` relative to `root` in that form, with a trailing slash (empty for the root itself).
 */
async function listSourceFiles(root: string, dir: string, prefix: string, warn: Warn): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    warn(`skipped folder ${path.relative(root, dir) || '.'}: ${(error as Error).message}`);
    return [];
  }
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    if (entry.isDirectory()) {
      files.push(...(await listSourceFiles(root, path.join(dir, entry.name), `${prefix}${entry.name}/`, warn)));
    } else if (entry.isFile() && SOURCE_EXTENSIONS.includes(path.extname(entry.name).toLowerCase())) {
      const relative = prefix + entry.name;
      if (relative !== SYNONYMS_FILE) files.push(relative);
    }
  }
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Bytes → text with true line numbers: UTF-8 (BOM stripped), or Windows-1252 when the bytes are not valid UTF-8;
 * CRLF and lone CR folded to LF.
 */
export function decodeSourceText(bytes: Uint8Array, file: string, warn: Warn): string {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    warn(`${file} is not valid UTF-8: read it as Windows-1252; save it as UTF-8 to be sure of its characters`);
    text = decodeWindows1252(bytes);
  }
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/** Titles longer than this are cut: a source whose first line is a whole paragraph still gets a readable title. */
export const MAX_TITLE_CHARS = 120;

/** A Markdown heading line (after trimming): one to six #, a space, then some text. */
const MARKDOWN_HEADING = /^#{1,6}\s+\S/;

/**
 * The trimmed lines of `text`, read one at a time, so that finding a title reads no further into a long source than
 * the line it needs.
 */
function* trimmedLines(text: string): Generator<string> {
  let start = 0;
  for (;;) {
    const end = text.indexOf('\n', start);
    if (end === -1) {
      yield text.slice(start).trim();
      return;
    }
    yield text.slice(start, end).trim();
    start = end + 1;
  }
}

/** A Markdown file's first heading (when it has one), else its first non-empty line, else the empty string. */
function titleLine(text: string, isMarkdown: boolean): string {
  let firstNonEmpty: string | undefined;
  for (const line of trimmedLines(text)) {
    if (firstNonEmpty === undefined && line !== '') {
      if (!isMarkdown) return line;
      firstNonEmpty = line;
    }
    if (isMarkdown && MARKDOWN_HEADING.test(line)) return line;
  }
  return firstNonEmpty ?? '';
}

/**
 * A Markdown file's first heading, else the first non-empty line; stripped of Markdown emphasis marks, and cut to
 * its first sentence (then to MAX_TITLE_CHARS) when the line is a whole paragraph.
 */
export function titleOf(text: string, file: string): string {
  const line = titleLine(text, file.toLowerCase().endsWith('.md'));
  const title = line
    .replace(/^#{1,6}\s+/, '')
    .replace(/[*_`]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (title === '') return path.posix.basename(file);
  if (title.length <= MAX_TITLE_CHARS) return title;
  const firstSentence = sentenceRanges(title)[0];
  return cutAtWord(firstSentence ? title.slice(...firstSentence) : title, MAX_TITLE_CHARS);
}

/**
 * How long the loader reads files without a pause, in milliseconds, before letting other work run (a bot answering
 * while its folder is read again). Short enough not to be felt, long enough that the pauses cost nothing.
 *
 * Files are read synchronously, in slices: an asynchronous read is four trips through libuv's thread pool (open,
 * stat, read, close), and for thousands of small sources those trips, not the disk, are the time. Reading SciFact's
 * 5,183 files from the page cache of a busy two-core machine took 150–250 ms asynchronously, even 32 at a time,
 * against 25–55 ms synchronously.
 */
const READ_SLICE_MS = 10;

/**
 * Reads every source in the data folder. Files that cannot be used (empty, binary, unreadable) are skipped with a
 * warning naming them; only a missing folder, or one with no usable source, stops the load.
 */
export async function loadSources(dataDir: string, warn: Warn = () => {}): Promise<Source[]> {
  const root = path.resolve(dataDir);
  let folder;
  try {
    folder = await stat(root);
  } catch {
    throw new DataFolderError(
      `The data folder ${root} does not exist. Create it and put your .txt or .md source documents in it, ` +
        'or point DATA_DIR (or --data) at the folder that holds them.',
    );
  }
  if (!folder.isDirectory()) {
    throw new DataFolderError(`${root} is not a folder. Point DATA_DIR (or --data) at the folder of source documents.`);
  }

  const sources: Source[] = [];
  let sliceStart = performance.now();
  for (const file of await listSourceFiles(root, root, '', warn)) {
    if (performance.now() - sliceStart > READ_SLICE_MS) {
      await nextTurn();
      sliceStart = performance.now();
    }
    let bytes: Buffer;
    try {
      bytes = readFileSync(path.join(root, file));
    } catch (error) {
      warn(`skipped ${file}: ${(error as Error).message}`);
      continue;
    }
    if (bytes.includes(0)) {
      warn(`skipped ${file}: it is a binary file (it holds NUL bytes), not text`);
      continue;
    }
    const text = decodeSourceText(bytes, file, warn);
    if (text.trim() === '') {
      warn(`skipped ${file}: it is empty`);
      continue;
    }
    sources.push({ file, title: titleOf(text, file), text, bytes: bytes.length });
  }

  if (sources.length === 0) {
    throw new DataFolderError(
      `The data folder ${root} holds no usable source documents. Put .txt or .md files in it ` +
        '(UTF-8 text), or point DATA_DIR (or --data) at the folder that holds them.',
    );
  }
  return sources;
}
