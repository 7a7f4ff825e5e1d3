import { DocumentBuilder } from './document-builder.js';
import { collapse, ELEMENT_NODE, parseDocument } from './dom.js';
import { addHtmlBlocks } from './html-blocks.js';

/** What a raw HTML block in Markdown says, for titles and sections. */
export interface HtmlFragment {
  /** The first line of its text, images, badges and markup left out. */
  readonly text: string;
  /** Its heading level, when it is an <h1>…<h6>. */
  readonly headingLevel?: number;
  /** The summary of a collapsible <details> it opens (a FAQ's question, often), when it opens one. */
  readonly summary?: string;
}

export async function htmlFragment(html: string): Promise<HtmlFragment> {
  const document = await parseDocument(`<!doctype html><html><body>${html}</body></html>`);
  const body = document.body;
  if (!body) return { text: '' };
  const first = Array.from(body.childNodes).find((node) => node.nodeType === ELEMENT_NODE);
  const level = first ? /^H([1-6])$/.exec(first.nodeName.toUpperCase())?.[1] : undefined;
  const builder = new DocumentBuilder();
  addHtmlBlocks(body, builder);
  const text = builder.build('').text.split('\n')[0] ?? '';
  const summary = first?.nodeName.toUpperCase() === 'DETAILS'
    ? Array.from(first.childNodes).find((node) => node.nodeName.toUpperCase() === 'SUMMARY')
    : undefined;
  const summaryText = collapse(summary?.textContent);
  return {
    text,
    ...(level !== undefined && { headingLevel: Number(level) }),
    ...(summaryText !== '' && { summary: summaryText }),
  };
}
