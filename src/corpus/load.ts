import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import path from 'node:path';
import type { ReadDocument, Source, SourceFormat, WebPageState } from './types.js';
import { readerFor, READERS, UnreadableSource, type Reader } from './formats/index.js';
import { decodeText, NOT_UTF8, textTitle } from './formats/text.js';
import { DEFAULT_TEXT_CACHE_DIR, TextCache, type ReadOutcome } from './text-cache.js';
import {
  DEFAULT_SNAPSHOT_DIR,
  parseUrlsFile,
  snapshotWebPages,
  URLS_EXTENSION,
  type ListedPage,
  type WebPageOptions,
} from './web-pages.js';

/** The data folder cannot be used at all: the message says what to do about it. */
export class DataFolderError extends Error {
  override name = 'DataFolderError';
}

/**
 * The optional synonyms file at the top of the data folder. It configures search and is not a source.
 * See README.md, "Synonyms".
 */
export const SYNONYMS_FILE = 'synonyms.txt';

export type Warn = (message: string) => void;

/** How the data folder is read, beyond the folder itself. */
export interface SourceOptions {
  /**
   * Where the text read from PDF, Word, HTML and Markdown files is kept by each file's hash
   * (src/corpus/text-cache.ts), so that an unchanged file is not read again at the next start. Unset: every file is
   * read every time, nothing is written.
   */
  readonly textCacheDir?: string;
  /** How web pages listed in `*.urls` files are fetched and kept. Unset: they are not read (with a warning). */
  readonly webPages?: WebPageOptions;
}

/**
 * How the CLI and the bot read a data folder: the text of PDF, Word, HTML and Markdown files cached in .cache/text,
 * web pages kept in .cache/pages and fetched again once `webRefreshMs` has passed since they were last fetched, or
 * every time with `fetchEveryPage` (a reload).
 */
export function defaultSourceOptions(webRefreshMs: number, fetchEveryPage = false): SourceOptions {
  return {
    textCacheDir: DEFAULT_TEXT_CACHE_DIR,
    webPages: { snapshotDir: DEFAULT_SNAPSHOT_DIR, maxAgeMs: fetchEveryPage ? 0 : webRefreshMs },
  };
}

/** Whether the data folder holds a `*.urls` file (whose pages are then due to be fetched again from time to time). */
export async function listsWebPages(dataDir: string): Promise<boolean> {
  const root = path.resolve(dataDir);
  return (await listSourceFiles(root, root, '', () => {})).some(isUrlsFile);
}

/** The endings of files the data folder may hold, for messages: ".pdf, .docx, .html, .txt or .md". */
const KNOWN_ENDINGS = ['.pdf', '.docx', '.html', '.txt', '.md'];
const endingsInWords = `${KNOWN_ENDINGS.slice(0, -1).join(', ')} or ${KNOWN_ENDINGS[KNOWN_ENDINGS.length - 1]}`;

/**
 * Bytes → text with true line numbers: UTF-8 (BOM stripped), or Windows-1252 when the bytes are not valid UTF-8;
 * CRLF and lone CR folded to LF.
 */
export function decodeSourceText(bytes: Uint8Array, file: string, warn: Warn): string {
  return decodeText(bytes, () => warn(`${file} ${NOT_UTF8}`));
}

/** A plain-text source's title: its first non-empty line, cut to its first sentence when it is a whole paragraph. */
export function titleOf(text: string, file: string): string {
  return textTitle(text, file);
}

const isUrlsFile = (name: string) => path.extname(name).toLowerCase() === URLS_EXTENSION;

/**
 * Files under `dir` with a source ending or listing web pages, relative to `root`, with forward slashes, sorted by
 * path. `prefix` is `dir` relative to `root` in that form, with a trailing slash (empty for the root itself).
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
    } else if (entry.isFile() && (readerFor(entry.name) !== undefined || isUrlsFile(entry.name))) {
      const relative = prefix + entry.name;
      if (relative !== SYNONYMS_FILE) files.push(relative);
    }
  }
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
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

/** Formats whose files are text: a NUL byte in them means the file is something else. */
const TEXT_FORMATS: ReadonlySet<SourceFormat> = new Set(['text', 'markdown']);

/** Reads one file's bytes with its reader, through the text cache; never throws. */
async function readWith(reader: Reader, bytes: Buffer, file: string, hash: string, cache: TextCache): Promise<ReadOutcome> {
  if (reader.cached) {
    const kept = await cache.get(hash, reader.format);
    if (kept !== undefined) return kept;
  }
  const notes: string[] = [];
  let outcome: ReadOutcome;
  if (bytes.length === 0 || (TEXT_FORMATS.has(reader.format) && bytes.includes(0))) {
    outcome = { unreadable: bytes.length === 0 ? 'it is empty' : 'it is a binary file (it holds NUL bytes), not text', notes };
  } else {
    try {
      const document = await reader.read(bytes, { file, note: (message) => notes.push(message) });
      outcome = document.text.trim() === '' ? { unreadable: emptyReason(reader.format), notes } : { document, notes };
    } catch (error) {
      // A reader's own failure (a library's bug on a strange file) skips the file like any unreadable one.
      const reason = error instanceof UnreadableSource ? error.message : `it could not be read (${(error as Error).message})`;
      outcome = { unreadable: reason, notes };
    }
  }
  if (reader.cached) await cache.put(hash, reader.format, outcome);
  return outcome;
}

function emptyReason(format: SourceFormat): string {
  return TEXT_FORMATS.has(format) ? 'it is empty' : 'it holds no text';
}

/** A source from what its reader made of it. */
function sourceOf(file: string, bytes: number, format: SourceFormat, hash: string, document: ReadDocument): Source {
  return {
    file,
    title: document.title,
    text: document.text,
    bytes,
    format,
    hash,
    ...(document.url !== undefined && { url: document.url }),
    ...(document.blocks !== undefined && { blocks: document.blocks }),
    ...(document.pageStarts !== undefined && { pageStarts: document.pageStarts }),
  };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The pages listed by the `*.urls` files, in order, each once; problems with their lines are warned about. */
function listedPages(root: string, urlsFiles: readonly string[], warn: Warn): ListedPage[] {
  const pages: ListedPage[] = [];
  const seen = new Set<string>();
  for (const listedIn of urlsFiles) {
    let text: string;
    try {
      text = decodeSourceText(readFileSync(path.join(root, listedIn)), listedIn, warn);
    } catch (error) {
      warn(`skipped ${listedIn}: ${(error as Error).message}`);
      continue;
    }
    const { addresses, problems } = parseUrlsFile(text);
    for (const problem of problems) warn(`${listedIn}, line ${problem.line}: ${problem.message}`);
    for (const address of addresses) {
      if (seen.has(address)) {
        warn(`${listedIn}: ${address} is listed in another .urls file too; it is read once`);
        continue;
      }
      seen.add(address);
      pages.push({ address, listedIn });
    }
  }
  return pages;
}

/**
 * Reads every source in the data folder, and the web pages its `*.urls` files list. Files that cannot be used
 * (empty, binary, corrupt, encrypted, too large) are skipped with a warning naming them; only a missing folder, or
 * one with no usable source, stops the load.
 */
export async function loadSources(dataDir: string, warn: Warn = () => {}, options: SourceOptions = {}): Promise<Source[]> {
  return (await loadFolder(dataDir, warn, options)).sources;
}

/** What a data folder holds: its sources, and the listed web pages that are not among them. */
export interface LoadedFolder {
  readonly sources: Source[];
  /**
   * Listed web pages with nothing to read: never fetched successfully, or their snapshot unreadable. Each is
   * `failing`, with its problem (a page that fails but has a snapshot is a source, its state in `Source.web`).
   */
  readonly unservedPages: WebPageState[];
}

/** loadSources, telling also which listed web pages could not be read at all. */
export async function loadFolder(dataDir: string, warn: Warn = () => {}, options: SourceOptions = {}): Promise<LoadedFolder> {
  const root = path.resolve(dataDir);
  let folder;
  try {
    folder = await stat(root);
  } catch {
    throw new DataFolderError(
      `The data folder ${root} does not exist. Create it and put your source documents (${endingsInWords}) in it, ` +
        'or point DATA_DIR (or --data) at the folder that holds them.',
    );
  }
  if (!folder.isDirectory()) {
    throw new DataFolderError(`${root} is not a folder. Point DATA_DIR (or --data) at the folder of source documents.`);
  }

  const cache = new TextCache(options.textCacheDir, warn);
  const sources: Source[] = [];
  const urlsFiles: string[] = [];
  let sliceStart = performance.now();
  for (const file of await listSourceFiles(root, root, '', warn)) {
    if (isUrlsFile(file)) {
      urlsFiles.push(file);
      continue;
    }
    if (performance.now() - sliceStart > READ_SLICE_MS) {
      await nextTurn();
      sliceStart = performance.now();
    }
    const reader = readerFor(file) as Reader;
    let bytes: Buffer;
    try {
      bytes = readFileSync(path.join(root, file));
    } catch (error) {
      warn(`skipped ${file}: ${(error as Error).message}`);
      continue;
    }
    const hash = sha256(bytes);
    const outcome = await readWith(reader, bytes, file, hash, cache);
    for (const note of outcome.notes) warn(`${file} ${note}`);
    if ('unreadable' in outcome) {
      warn(`skipped ${file}: ${outcome.unreadable}`);
      continue;
    }
    sources.push(sourceOf(file, bytes.length, reader.format, hash, outcome.document));
  }

  const pages = listedPages(root, urlsFiles, warn);
  const unservedPages: WebPageState[] = [];
  if (pages.length > 0 && options.webPages === undefined) {
    warn(`the web pages listed in ${urlsFiles.join(', ')} are not read here: only the bot and the CLI fetch them`);
  } else if (pages.length > 0 && options.webPages !== undefined) {
    const read = await readWebPages(pages, options.webPages, cache, warn);
    sources.push(...read.sources);
    unservedPages.push(...read.unserved);
  }

  if (sources.length === 0) {
    throw new DataFolderError(
      `The data folder ${root} holds no usable source documents. Put source documents in it ` +
        `(${endingsInWords}; text as UTF-8), or point DATA_DIR (or --data) at the folder that holds them.`,
    );
  }
  return { sources, unservedPages };
}

/** The listed web pages as sources, read from their snapshots (fetched first when due), and those with none. */
async function readWebPages(pages: readonly ListedPage[], options: WebPageOptions, cache: TextCache, warn: Warn) {
  const sources: Source[] = [];
  const unserved: WebPageState[] = [];
  for (const { page, snapshot, problem } of await snapshotWebPages(pages, options)) {
    if (problem !== undefined) {
      const where = `${page.address} (listed in ${page.listedIn})`;
      warn(
        snapshot?.state.retrieved === undefined
          ? `could not fetch ${where}: ${problem}. It is not searchable until it can be fetched`
          : `could not fetch ${where}: ${problem}. Answering from the copy retrieved ${snapshot.state.retrieved}`,
      );
    }
    if (snapshot === undefined) {
      unserved.push({ ...page, status: 'failing', problem: problem ?? 'not fetched yet', tried: new Date().toISOString() });
      continue;
    }
    const { address } = snapshot.state;
    const reader = READERS.find((candidate) => candidate.format === snapshot.format) as Reader;
    const hash = sha256(snapshot.bytes);
    const outcome = await readWith(reader, snapshot.bytes, address, hash, cache);
    for (const note of outcome.notes) warn(`${address} ${note}`);
    if ('unreadable' in outcome) {
      warn(`skipped ${address} (listed in ${snapshot.state.listedIn}): ${outcome.unreadable}`);
      unserved.push({ ...snapshot.state, status: 'failing', problem: outcome.unreadable });
      continue;
    }
    const source = sourceOf(address, snapshot.bytes.length, reader.format, hash, outcome.document);
    sources.push({ ...source, url: source.url ?? snapshot.servedFrom, web: snapshot.state satisfies WebPageState });
  }
  return { sources, unserved };
}
