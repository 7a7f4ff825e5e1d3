import cacache from 'cacache';
import type { ReadDocument, SourceFormat } from './types.js';
import { READERS_VERSION } from './formats/index.js';
import type { Warn } from './load.js';

/** Where the CLI and the bot keep the text read from PDF, Word, HTML and Markdown files, relative to where they run. */
export const DEFAULT_TEXT_CACHE_DIR = '.cache/text';

/** What reading a file gave: its document, or why it cannot be used; with the notes told about it either way. */
export type ReadOutcome =
  | { readonly document: ReadDocument; readonly notes: readonly string[] }
  | { readonly unreadable: string; readonly notes: readonly string[] };

/**
 * The text read from files, by the SHA-256 of each file's bytes, the format it was read as and the readers' version:
 * a 300-page PDF is read once, not at every start, and any change to the file reads it again. Kept by cacache (npm's
 * own content-addressed cache: written atomically, checked against its hash when read back). Without a folder,
 * nothing is kept.
 */
export class TextCache {
  readonly #dir: string | undefined;
  readonly #warn: Warn;
  #warnedOfWriting = false;

  constructor(dir: string | undefined, warn: Warn) {
    this.#dir = dir;
    this.#warn = warn;
  }

  static key(hash: string, format: SourceFormat): string {
    return `citebot-text:${READERS_VERSION}:${format}:${hash}`;
  }

  /** What reading the file gave before; undefined when it was never read, or what was kept cannot be read back. */
  async get(hash: string, format: SourceFormat): Promise<ReadOutcome | undefined> {
    if (this.#dir === undefined) return undefined;
    try {
      const { data } = await cacache.get(this.#dir, TextCache.key(hash, format));
      return JSON.parse(data.toString('utf8')) as ReadOutcome;
    } catch {
      return undefined;
    }
  }

  async put(hash: string, format: SourceFormat, outcome: ReadOutcome): Promise<void> {
    if (this.#dir === undefined) return;
    try {
      await cacache.put(this.#dir, TextCache.key(hash, format), JSON.stringify(outcome));
    } catch (error) {
      // The text in memory is whole: only the next start is slower. Said once per load, not once per file.
      if (!this.#warnedOfWriting) this.#warn(`could not keep the text read in ${this.#dir}: ${(error as Error).message}`);
      this.#warnedOfWriting = true;
    }
  }
}
