import type { BlockKind } from '../types.js';
import type { DocumentBuilder } from './document-builder.js';
import { ELEMENT_NODE, TEXT_NODE, type DomNode } from './dom.js';

/** Elements whose content is never text to quote. */
const NEVER_TEXT = new Set([
  'SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'CANVAS', 'IFRAME', 'OBJECT', 'FORM', 'BUTTON', 'SELECT',
  'TEXTAREA', 'INPUT', 'HEAD', 'TITLE', 'META', 'LINK',
]);

/** Site furniture: left out when a page is read whole, because Readability found no article in it. */
export const SITE_FURNITURE = new Set(['NAV', 'HEADER', 'FOOTER', 'ASIDE']);

/** Elements that end the text before them and start a block of their own. */
const BLOCK_ELEMENTS = new Set([
  'ADDRESS', 'ARTICLE', 'BLOCKQUOTE', 'BODY', 'CAPTION', 'DD', 'DETAILS', 'DIV', 'DL', 'DT', 'FIELDSET', 'FIGCAPTION',
  'FIGURE', 'FOOTER', 'HEADER', 'HR', 'LI', 'MAIN', 'OL', 'P', 'SECTION', 'TABLE', 'TBODY', 'TFOOT',
  'THEAD', 'UL', 'ASIDE', 'NAV',
]);

/** Stands for a <br> until white space is collapsed, then becomes a line break. */
const LINE_BREAK = '\uE000';

const inlineText = (text: string) =>
  text
    .replace(/\s+/g, ' ')
    .split(LINE_BREAK)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');

/**
 * Adds an element's content to `builder` as blocks: headings (with their ids), paragraphs, list items, table rows
 * (cells joined by " | "), quotes and preformatted code, each block's text on its own line.
 */
export function addHtmlBlocks(root: DomNode, builder: DocumentBuilder, skip: ReadonlySet<string> = new Set()): void {
  let buffer = '';
  const flush = (kind: BlockKind) => {
    builder.add(kind, inlineText(buffer));
    buffer = '';
  };
  const visit = (node: DomNode, kind: BlockKind): void => {
    if (node.nodeType === TEXT_NODE) {
      buffer += node.textContent ?? '';
      return;
    }
    if (node.nodeType !== ELEMENT_NODE) return;
    const tag = node.nodeName.toUpperCase();
    if (NEVER_TEXT.has(tag) || skip.has(tag)) return;
    const heading = /^H([1-6])$/.exec(tag);
    if (heading) {
      flush(kind);
      builder.add('heading', inlineText(node.textContent ?? ''), {
        level: Number(heading[1]),
        id: node.getAttribute?.('id') ?? undefined,
      });
    } else if (tag === 'SUMMARY') {
      // A collapsible section's summary (a FAQ's question) heads the text it unfolds.
      flush(kind);
      builder.add('heading', inlineText(node.textContent ?? ''), { level: Math.min(6, builder.sections.depth + 1), anchored: false });
    } else if (tag === 'BR') {
      buffer += LINE_BREAK;
    } else if (tag === 'PRE') {
      flush(kind);
      builder.add('code', node.textContent ?? '');
    } else if (tag === 'TR') {
      flush(kind);
      const cells = Array.from(node.childNodes).filter((cell) => /^T[DH]$/i.test(cell.nodeName));
      builder.add('table-row', cells.map((cell) => inlineText(cell.textContent ?? '')).filter(Boolean).join(' | '));
    } else if (tag === 'LI' || tag === 'BLOCKQUOTE') {
      const inner: BlockKind = tag === 'LI' ? 'list-item' : 'quote';
      flush(kind);
      for (const child of Array.from(node.childNodes)) visit(child, inner);
      flush(inner);
    } else if (BLOCK_ELEMENTS.has(tag)) {
      flush(kind);
      for (const child of Array.from(node.childNodes)) visit(child, kind);
      flush(kind);
    } else {
      for (const child of Array.from(node.childNodes)) visit(child, kind);
    }
  };
  visit(root, 'paragraph');
  flush('paragraph');
}
