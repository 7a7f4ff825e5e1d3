import path from 'node:path';
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js';
import { DocumentBuilder } from './document-builder.js';
import { briefly, megabytes, UnreadableSource, type Reader } from './reader.js';
import { cutTitle } from './titles.js';

/**
 * Pages read of one PDF, at most. Past it, the rest is left out with a warning: a book-length file would hold up
 * every start for a long first read, and is better split into its volumes or chapters. Range: any positive number.
 */
export const MAX_PDF_PAGES = 1_000;

/** PDFs larger than this many bytes are not read (pdf.js holds the whole file in memory). */
export const MAX_PDF_BYTES = 200 * 1024 * 1024;

/**
 * Pages asked of pdf.js at once: each page's text is a round trip through pdf.js's worker, and asking for several
 * keeps it busy rather than waiting on each answer in turn.
 */
const PAGES_AT_ONCE = 16;

/** A line of a page, as pdf.js placed its pieces of text. */
interface Line {
  text: string;
  /** Left edge, baseline and right edge, in the page's units (points). */
  x: number;
  y: number;
  right: number;
  /** Font size: the height of its largest piece. */
  size: number;
}

/** A line that starts a list item: a bullet, a dash or a number with a stop or bracket. */
const LIST_ITEM_START = /^(?:[•●▪◦‣∙·*–-]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s/;
/** The end of a line that closes a sentence (a paragraph's last line, usually). */
const SENTENCE_END = /[.!?:;"'”’)\]…]$/;
/** A word broken at the end of a line, before a lower-case continuation: "infor-" + "mation". */
const BROKEN_WORD = /\p{L}[-\u00AD]$/u;

/** The lines of a page in the order pdf.js gives its text (the content's order, which is reading order in practice). */
function linesOf(items: readonly TextItem[]): Line[] {
  const lines: Line[] = [];
  let current: Line | undefined;
  let ended = true;
  for (const item of items) {
    const [, , c = 0, d = 0, x = 0, y = 0] = item.transform as number[];
    const size = Math.hypot(c, d) || item.height;
    if (item.str.trim() === '') {
      // A space item still separates words; an empty one with hasEOL ends the line.
      if (current && item.str !== '' && !current.text.endsWith(' ')) current.text += ' ';
      if (item.hasEOL) ended = true;
      continue;
    }
    const sameLine = current !== undefined && !ended && Math.abs(y - current.y) <= Math.max(current.size, size) * 0.5;
    const sameBaseline = current !== undefined && Math.abs(y - current.y) <= Math.max(current.size, size) * 0.3;
    if (current && (sameLine || (sameBaseline && x >= current.right - size))) {
      const gap = x - current.right;
      if (gap > size * 0.15 && !current.text.endsWith(' ') && !item.str.startsWith(' ')) current.text += ' ';
      current.text += item.str;
      current.right = Math.max(current.right, x + item.width);
      current.size = Math.max(current.size, size);
    } else {
      current = { text: item.str, x, y, right: x + item.width, size };
      lines.push(current);
    }
    ended = item.hasEOL;
  }
  for (const line of lines) line.text = line.text.replace(/\s+/g, ' ').trim();
  return lines.filter((line) => line.text !== '');
}

/** A line with its numbers set aside: "Page 3 of 12" → "page # of #", as page numbers differ from page to page. */
const numbersAside = (text: string) => text.toLowerCase().replace(/\d+/g, '#').replace(/\s+/g, ' ').trim();

/** How many lines at the top and at the bottom of a page may be a running header or footer. */
const RUNNING_LINES = 2;

/** The share of the page's height, at its top and at its bottom, where running headers and footers are set. */
const MARGIN_SHARE = 0.1;

/** A page's lines, with the top and bottom of its box. */
interface PageLines {
  readonly lines: Line[];
  readonly top: number;
  readonly bottom: number;
}

/**
 * Drops the lines repeated at the top or bottom of most pages (a report's title, a confidentiality line, page
 * numbers): they would be quoted in every passage and found for every question about them. A line counts as
 * repeated when its text is, or, set no larger than the body text, when it is but for its numbers (so that
 * "Chapter 9", set as a heading, is not taken for "Page 9").
 */
function withoutRunningLines(pageBoxes: readonly PageLines[], body: number): Line[][] {
  const pages = pageBoxes.map((page) => page.lines);
  const withText = pages.filter((lines) => lines.length > 0).length;
  if (withText < 2) return pages;
  const needed = Math.max(2, Math.ceil(withText * 0.6));
  const keysOf = (line: Line) =>
    line.size <= body + 0.5 ? [`=${line.text}`, `#${numbersAside(line.text)}`] : [`=${line.text}`];
  const pageEdges = pageBoxes.map(({ lines, top, bottom }) => {
    const margin = (top - bottom) * MARGIN_SHARE;
    const byHeight = [...lines].sort((a, b) => b.y - a.y);
    const edges = [...byHeight.slice(0, RUNNING_LINES), ...byHeight.slice(-RUNNING_LINES)];
    return new Set(edges.filter((line) => line.y >= top - margin || line.y <= bottom + margin));
  });
  const counts = new Map<string, number>();
  for (const edges of pageEdges) {
    for (const key of new Set([...edges].flatMap(keysOf))) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return pages.map((lines, index) =>
    lines.filter(
      (line) => !(pageEdges[index]?.has(line) && keysOf(line).some((key) => (counts.get(key) ?? 0) >= needed)),
    ),
  );
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

/** The font size most of the text is set in. */
function bodySize(pages: Line[][]): number {
  const characters = new Map<number, number>();
  for (const line of pages.flat()) {
    const size = Math.round(line.size * 2) / 2;
    characters.set(size, (characters.get(size) ?? 0) + line.text.length);
  }
  return [...characters].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
}

const isHeadingLine = (line: Line, body: number) => line.size >= body * 1.15 && line.text.split(' ').length <= 20;

/** Whether two lines join as one word broken over the line end: "infor-" + "mation" → "information". */
const isBrokenWord = (before: string, after: string) => BROKEN_WORD.test(before) && /^\p{Ll}/u.test(after);

/** A block being gathered from lines, with where each page that starts inside it starts. */
interface PendingBlock {
  kind: 'paragraph' | 'heading' | 'list-item';
  last: Line;
  text: string;
  /** Pages (0-based) that start in this block, at these offsets of its text. */
  pageBreaks: Array<{ page: number; at: number }>;
}

/** Pages of lines → paragraphs, headings and list items; a paragraph may run over a page break. */
function assemble(pages: Line[][], body: number): { builder: DocumentBuilder; pageStarts: number[] } {
  const gaps: number[] = [];
  for (const lines of pages) {
    for (let at = 1; at < lines.length; at++) {
      const [above, below] = [lines[at - 1] as Line, lines[at] as Line];
      const gap = above.y - below.y;
      if (gap > 0 && Math.abs(above.size - body) < 0.5 && Math.abs(below.size - body) < 0.5) gaps.push(gap);
    }
  }
  const lineGap = median(gaps) || body * 1.2;

  const blocks: PendingBlock[] = [];
  let open: PendingBlock | undefined;
  for (const [page, lines] of pages.entries()) {
    const widest = Math.max(0, ...lines.map((line) => line.right));
    const left = Math.min(Infinity, ...lines.map((line) => line.x));
    for (const [at, line] of lines.entries()) {
      const heading = isHeadingLine(line, body);
      const kind = heading ? 'heading' : LIST_ITEM_START.test(line.text) ? 'list-item' : 'paragraph';
      let continues = false;
      if (open) {
        const previous = open.last;
        if (at === 0) {
          // A paragraph cut by the page break goes on at the top of the next page.
          continues = open.kind !== 'heading' && kind === 'paragraph' && !SENTENCE_END.test(open.text);
        } else if (heading || open.kind === 'heading') {
          continues =
            heading && open.kind === 'heading' && Math.abs(line.size - previous.size) < 0.5 &&
            previous.y - line.y <= line.size * 1.6;
        } else {
          const gap = previous.y - line.y;
          const endsShort = previous.right < widest - (widest - left) * 0.15 && SENTENCE_END.test(previous.text);
          const indented = line.x > previous.x + line.size && open.kind === 'paragraph';
          continues =
            kind === 'paragraph' && gap > 0 && gap <= lineGap * 1.45 && !endsShort && !indented &&
            Math.abs(line.size - previous.size) < 0.5;
        }
      }
      if (open && continues) {
        const broken = isBrokenWord(open.text, line.text);
        if (at === 0) open.pageBreaks.push({ page, at: open.text.length + (broken ? -1 : 1) });
        open.text = broken ? open.text.slice(0, -1) + line.text : `${open.text} ${line.text}`;
        open.last = line;
        continue;
      }
      open = { kind, last: line, text: line.text, pageBreaks: at === 0 ? [{ page, at: 0 }] : [] };
      blocks.push(open);
    }
  }

  const headingSizes = [...new Set(blocks.filter((block) => block.kind === 'heading').map((block) => Math.round(block.last.size)))]
    .sort((a, b) => b - a);
  const builder = new DocumentBuilder();
  const pageStarts = new Array<number | undefined>(pages.length).fill(undefined);
  for (const block of blocks) {
    const start = builder.offset;
    const level = Math.min(6, headingSizes.indexOf(Math.round(block.last.size)) + 1);
    builder.add(block.kind, block.text, block.kind === 'heading' ? { level } : {});
    for (const { page, at } of block.pageBreaks) pageStarts[page] = start + at;
  }
  // A page with no text starts where the next page's text does.
  let next = builder.end;
  for (let page = pages.length - 1; page >= 0; page--) {
    next = pageStarts[page] ?? next;
    pageStarts[page] = next;
  }
  return { builder, pageStarts: pageStarts as number[] };
}

/** A PDF's Title property, unless it is empty or a file name a converter left ("Microsoft Word - report.docx"). */
function metadataTitle(info: unknown): string | undefined {
  const title = typeof info === 'object' && info !== null ? (info as { Title?: unknown }).Title : undefined;
  if (typeof title !== 'string') return undefined;
  const trimmed = title.replace(/\s+/g, ' ').trim();
  if (trimmed === '' || /^untitled\b/i.test(trimmed) || /\.\w{2,4}$/.test(trimmed) || /^microsoft \w+ - /i.test(trimmed)) {
    return undefined;
  }
  return trimmed;
}

export const pdfReader: Reader = {
  format: 'pdf',
  extensions: ['.pdf'],
  cached: true,
  async read(bytes, { file, note }) {
    if (bytes.length > MAX_PDF_BYTES) {
      throw new UnreadableSource(`it is ${megabytes(bytes.length)}: PDFs over ${megabytes(MAX_PDF_BYTES)} are not read`);
    }
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    let pdf;
    try {
      pdf = await pdfjs.getDocument({
        // pdf.js takes the array over: it gets a copy, so that the caller's bytes stay whole.
        data: new Uint8Array(bytes),
        verbosity: pdfjs.VerbosityLevel.ERRORS,
        isEvalSupported: false,
        disableFontFace: true,
        useSystemFonts: false,
      }).promise;
    } catch (error) {
      const name = (error as { name?: string } | undefined)?.name;
      if (name === 'PasswordException') {
        throw new UnreadableSource('it is encrypted: a password is needed to open it. Save a copy without a password');
      }
      throw new UnreadableSource(`it is not a readable PDF (${briefly(error)})`);
    }
    try {
      const pageCount = Math.min(pdf.numPages, MAX_PDF_PAGES);
      if (pdf.numPages > MAX_PDF_PAGES) {
        note(
          `has ${pdf.numPages.toLocaleString('en-GB')} pages: only its first ${MAX_PDF_PAGES.toLocaleString('en-GB')} ` +
            'are read. Split it into smaller files to have all of it searched',
        );
      }
      const pages: PageLines[] = [];
      for (let first = 1; first <= pageCount; first += PAGES_AT_ONCE) {
        const numbers = Array.from({ length: Math.min(PAGES_AT_ONCE, pageCount - first + 1) }, (_, at) => first + at);
        const read = await Promise.all(
          numbers.map(async (number) => {
            const page = await pdf.getPage(number);
            const content = await page.getTextContent();
            page.cleanup();
            const [, bottom = 0, , top = 0] = page.view;
            return { lines: linesOf(content.items.filter((item): item is TextItem => 'str' in item)), top, bottom };
          }),
        );
        pages.push(...read);
      }
      if (pages.every((page) => page.lines.length === 0)) {
        throw new UnreadableSource('it has no text layer (a scanned document?): run it through OCR to make it searchable');
      }
      const body = bodySize(pages.map((page) => page.lines));
      const { builder, pageStarts } = assemble(withoutRunningLines(pages, body), body);
      const metadata = await pdf.getMetadata().catch(() => undefined);
      const document = builder.build('', { pageStarts });
      const firstHeading = document.blocks?.find((block) => block.kind === 'heading');
      const firstBlock = document.blocks?.[0];
      const title =
        metadataTitle(metadata?.info) ??
        (firstHeading && pageOf(pageStarts, firstHeading.start) === 1
          ? document.text.slice(firstHeading.start, firstHeading.end)
          : firstBlock && document.text.slice(firstBlock.start, firstBlock.end));
      return { ...document, title: cutTitle(title ?? '') || path.posix.basename(file) };
    } catch (error) {
      if (error instanceof UnreadableSource) throw error;
      throw new UnreadableSource(`it could not be read as a PDF (${briefly(error)})`);
    } finally {
      await pdf.destroy();
    }
  },
};

/** 1-based page of a character offset. */
export function pageOf(pageStarts: readonly number[], offset: number): number {
  let low = 0;
  let high = pageStarts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((pageStarts[middle] ?? 0) <= offset) low = middle;
    else high = middle - 1;
  }
  return low + 1;
}
