import path from 'node:path';
import { DocumentBuilder } from './document-builder.js';
import { collapse, parseDocument, type DomDocument } from './dom.js';
import { addHtmlBlocks, SITE_FURNITURE } from './html-blocks.js';
import { briefly, megabytes, UnreadableSource, type Reader } from './reader.js';
import { decodeText, NOT_UTF8 } from './text.js';
import { cutTitle } from './titles.js';

/**
 * HTML files larger than this many bytes are not read: an article is rarely above a few megabytes even with its
 * site around it, and a page far larger (images inlined as data, a whole forum thread) would hold up every start.
 */
export const MAX_HTML_BYTES = 10 * 1024 * 1024;

const attribute = (document: DomDocument, selector: string, name: string) =>
  collapse(document.querySelector(selector)?.getAttribute?.(name));

/** The page's own address: its canonical link, else og:url; only an absolute http(s) address counts. */
function canonicalAddress(document: DomDocument): string | undefined {
  for (const candidate of [
    attribute(document, 'link[rel~="canonical"]', 'href'),
    attribute(document, 'meta[property="og:url"]', 'content'),
  ]) {
    try {
      const url = new URL(candidate);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
    } catch {
      // Not an absolute address: the next candidate, if any.
    }
  }
  return undefined;
}

/**
 * The article's HTML as Mozilla's Readability (Firefox's Reader View) finds it, without the site around it
 * (navigation, cookie banners, "most read" lists, footers); undefined when it finds no article.
 */
async function articleHtml(html: string): Promise<string | undefined> {
  const { Readability } = await import('@mozilla/readability');
  const document = await parseDocument(html);
  try {
    const article = new Readability(document, { charThreshold: 200 }).parse();
    return article?.content && collapse(article.textContent) !== '' ? article.content : undefined;
  } catch {
    return undefined;
  }
}

/** A saved web page (.html, .htm): its main content, titled by og:title, <title> or its first <h1>. */
export const htmlReader: Reader = {
  format: 'html',
  extensions: ['.html', '.htm', '.xhtml'],
  cached: true,
  async read(bytes, { file, note }) {
    if (bytes.length > MAX_HTML_BYTES) {
      throw new UnreadableSource(
        `it is ${megabytes(bytes.length)}: HTML pages over ${megabytes(MAX_HTML_BYTES)} are not read. ` +
          "Save the article alone (a browser's Reader View, then Save Page As)",
      );
    }
    const decoded = decodeText(bytes, () => note(NOT_UTF8));
    // linkedom builds the tree as written and does not imply <html> or <body>: a page written without them gets them.
    const html = !/<body[\s>]/i.test(decoded)
      ? `<!doctype html><html><body>${decoded}</body></html>`
      : /<html[\s>]/i.test(decoded)
        ? decoded
        : `<!doctype html><html>${decoded}</html>`;
    let page: DomDocument;
    try {
      page = await parseDocument(html);
    } catch (error) {
      throw new UnreadableSource(`it could not be read as HTML (${briefly(error)})`);
    }
    const title =
      attribute(page, 'meta[property="og:title"]', 'content') ||
      collapse(page.querySelector('title')?.textContent) ||
      collapse(page.querySelector('h1')?.textContent);
    const url = canonicalAddress(page);

    const builder = new DocumentBuilder();
    const article = await articleHtml(html);
    if (article !== undefined) {
      const content = await parseDocument(`<!doctype html><html><body>${article}</body></html>`);
      // Readability leaves out the headline when it repeats the page's title; it is the article's own first line.
      const headline = page.querySelector('h1');
      const headlineText = collapse(headline?.textContent);
      const known = (text: string) => text.toLowerCase().includes(headlineText.toLowerCase());
      if (headlineText !== '' && known(title) && !known(collapse(content.body?.textContent).slice(0, headlineText.length * 2))) {
        builder.add('heading', headlineText, { level: 1, id: headline?.getAttribute?.('id') ?? undefined });
      }
      if (content.body) addHtmlBlocks(content.body, builder);
    } else if (page.body) {
      addHtmlBlocks(page.body, builder, SITE_FURNITURE);
    }
    return builder.build(cutTitle(title) || path.posix.basename(file), url === undefined ? {} : { url });
  },
};
