import type { ReadDocument, SourceFormat } from '../types.js';

/**
 * A file cannot be used as a source: the message says why, in words a moderator can act on ("it is encrypted: …").
 * The loader skips the file with a warning naming it; the rest of the folder is still read.
 */
export class UnreadableSource extends Error {
  override name = 'UnreadableSource';
}

/** What a reader is told about the file it reads. */
export interface ReadContext {
  /** The file's name relative to the data folder, for titles of last resort. */
  readonly file: string;
  /**
   * Tells the moderator about the file while it is still read (cut short, decoded with a fallback). The note follows
   * the file's name in the warning: "has 2,400 pages: …".
   */
  readonly note: (message: string) => void;
}

/** Turns one format's bytes into a document; throws UnreadableSource when the file cannot be used. */
export interface Reader {
  readonly format: SourceFormat;
  /** File endings (lower case, with the dot) read by this reader. */
  readonly extensions: readonly string[];
  /**
   * Whether what it reads is kept in the text cache (src/corpus/text-cache.ts): for formats slow to read or parse,
   * not for plain text, which is read faster than a cached copy could be.
   */
  readonly cached: boolean;
  read(bytes: Uint8Array, context: ReadContext): Promise<ReadDocument>;
}

/** "1.2 MB": a size as a moderator reads it. */
export function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Error messages of libraries, on one line and not too long to be read in a warning. */
export function briefly(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n')[0]?.trim() ?? '';
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}
