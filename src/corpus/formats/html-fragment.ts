import { DocumentBuilder } from './document-builder.js';
import { ELEMENT_NODE, parseDocument } from './dom.js';
import { addHtmlBlocks } from './html-blocks.js';

/**
 * What a raw HTML block in Markdown says, for titles and sections: the first line of its text (images, badges and
 * markup left out), and its heading level when it is an <h1>…<h6>.
 */
export async function htmlFragment(html: string): Promise<{ text: string; headingLevel?: number }> {
  const document = await parseDocument(`<!doctype html><html><body>${html}</body></html>`);
  const body = document.body;
  if (!body) return { text: '' };
  const first = Array.from(body.childNodes).find((node) => node.nodeType === ELEMENT_NODE);
  const level = first ? /^H([1-6])$/.exec(first.nodeName.toUpperCase())?.[1] : undefined;
  const builder = new DocumentBuilder();
  addHtmlBlocks(body, builder);
  const text = builder.build('').text.split('\n')[0] ?? '';
  return { text, ...(level !== undefined && { headingLevel: Number(level) }) };
}
