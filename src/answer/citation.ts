import type { Passage, Place } from '../corpus/types.js';
import { collapseWhitespace, cutAtWord } from '../text.js';

/** A citation stays one line: long titles give way, the file name and its place never do. */
export const CITATION_TITLE_CHARS = 120;

/** "line 9" or "lines 3–5": how a citation names a passage's place in its source. */
export function describeLines([first, last]: readonly [number, number]): string {
  return first === last ? `line ${first}` : `lines ${first}–${last}`;
}

/**
 * Where a passage stands besides its lines, as a citation names it: "p. 12" or "pp. 12–13" (a PDF), "§ Install ›
 * Windows" (a heading path), "retrieved 2024-05-01" (a web page); parts joined by " · ", or "" when there is none.
 */
export function describePlace(place: Place): string {
  const parts: string[] = [];
  if (place.page !== undefined) {
    parts.push(place.pageEnd === undefined ? `p. ${place.page}` : `pp. ${place.page}–${place.pageEnd}`);
  }
  if (place.section !== undefined && place.section.length > 0) parts.push(`§ ${place.section.join(' › ')}`);
  if (place.retrieved !== undefined) parts.push(`retrieved ${place.retrieved.slice(0, 10)}`);
  return parts.join(' · ');
}

/**
 * `📄 003_00d230ab06dfad54.txt · lines 20–24 · Title`, or `📄 report.pdf · p. 12 · § Funding · lines 40–41 · Title`:
 * what every transport shows under a quote, as plain text (each escapes it for its own markup and may add a link).
 */
export function citationLabel(passage: Pick<Passage, 'file' | 'title' | 'lines'> & Place): string {
  const title = cutAtWord(collapseWhitespace(passage.title), CITATION_TITLE_CHARS);
  const place = describePlace(passage);
  return `📄 ${passage.file} · ${place === '' ? '' : `${place} · `}${describeLines(passage.lines)} · ${title}`;
}

/**
 * The link a citation uses, if any. A page's own address comes first: a saved page's canonical link, a listed web
 * page's address. Otherwise, when `sourceBaseUrl` says where the data folder is published (a repository's blob URL),
 * the file there, pointed at the passage's place as far as its format can be pointed at: a PDF's page
 * (`report.pdf#page=12`, which browsers' PDF viewers open at), a Markdown heading's anchor (`guide.md#install`), the
 * lines of a text or Markdown file (`notes.txt#L40-L52`). A Word or HTML file gets no fragment: its lines are those of
 * the text as read, not of the file.
 */
export function citationLink(
  passage: Pick<Passage, 'file' | 'lines'> & Place,
  sourceBaseUrl: string | undefined,
): string | undefined {
  if (passage.url !== undefined) return passage.url;
  const document = documentUrl(passage, sourceBaseUrl);
  return document === undefined ? undefined : `${document}${fragmentOf(passage)}`;
}

/**
 * The address of a passage's whole source, if it has one: its own (a page's), else its file under `sourceBaseUrl`.
 * What a relative link in the source is resolved against.
 */
export function documentUrl(passage: Pick<Passage, 'file'> & Place, sourceBaseUrl: string | undefined): string | undefined {
  if (passage.url !== undefined) return passage.url;
  if (sourceBaseUrl === undefined) return undefined;
  return `${sourceBaseUrl}/${passage.file.split('/').map(encodeURIComponent).join('/')}`;
}

function fragmentOf(passage: Pick<Passage, 'lines'> & Place): string {
  const [first, last] = passage.lines;
  switch (passage.format) {
    case 'pdf':
      return passage.page === undefined ? '' : `#page=${passage.page}`;
    case 'markdown':
      return passage.anchor === undefined ? `#L${first}-L${last}` : `#${encodeURIComponent(passage.anchor)}`;
    case 'text':
    case undefined:
      return `#L${first}-L${last}`;
    case 'docx':
    case 'html':
      return '';
  }
}
