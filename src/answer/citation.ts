import type { Passage } from '../corpus/types.js';
import { collapseWhitespace, cutAtWord } from '../text.js';

/** A citation stays one line: long titles give way, the file name and its place never do. */
export const CITATION_TITLE_CHARS = 120;

/** "line 9" or "lines 3–5": how a citation names a passage's place in its source. */
export function describeLines([first, last]: readonly [number, number]): string {
  return first === last ? `line ${first}` : `lines ${first}–${last}`;
}

/**
 * `📄 003_00d230ab06dfad54.txt · lines 20–24 · Title`: what every transport shows under a quote, as plain text (each
 * escapes it for its own markup and may add a link).
 */
export function citationLabel(passage: Pick<Passage, 'file' | 'title' | 'lines'>): string {
  const title = cutAtWord(collapseWhitespace(passage.title), CITATION_TITLE_CHARS);
  return `📄 ${passage.file} · ${describeLines(passage.lines)} · ${title}`;
}
