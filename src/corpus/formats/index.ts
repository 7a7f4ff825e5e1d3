import path from 'node:path';
import { docxReader } from './docx.js';
import { htmlReader } from './html.js';
import { markdownReader } from './markdown.js';
import { pdfReader } from './pdf.js';
import type { Reader } from './reader.js';
import { textReader } from './text.js';

export { UnreadableSource, type Reader } from './reader.js';

/** Every reader, one per format. */
export const READERS: readonly Reader[] = [textReader, markdownReader, htmlReader, pdfReader, docxReader];

/**
 * Bump when a reader changes what it makes of the same bytes (text, title, blocks, pages), so that the text cache
 * and the persisted index read every file again.
 */
export const READERS_VERSION = 1;

/** The reader of a file, by its ending; undefined for a file that is not a source. */
export function readerFor(file: string): Reader | undefined {
  const extension = path.extname(file).toLowerCase();
  return READERS.find((reader) => reader.extensions.includes(extension));
}
