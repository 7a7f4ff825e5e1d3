import path from 'node:path';
import { DocumentBuilder } from './document-builder.js';
import { parseDocument } from './dom.js';
import { addHtmlBlocks } from './html-blocks.js';
import { briefly, megabytes, UnreadableSource, type Reader } from './reader.js';
import { cutTitle } from './titles.js';

/** Word files larger than this many bytes are not read (their text is a small part; the rest is images). */
export const MAX_DOCX_BYTES = 100 * 1024 * 1024;

/** Word's Title and Subtitle styles, which mammoth leaves as plain paragraphs, as the headings they are. */
const STYLE_MAP = ["p[style-name='Title'] => h1:fresh", "p[style-name='Subtitle'] => h2:fresh"];

/** A Word document (.docx): its text through mammoth, with Word's headings as sections. */
export const docxReader: Reader = {
  format: 'docx',
  extensions: ['.docx'],
  cached: true,
  async read(bytes, { file }) {
    if (bytes.length > MAX_DOCX_BYTES) {
      throw new UnreadableSource(`it is ${megabytes(bytes.length)}: Word files over ${megabytes(MAX_DOCX_BYTES)} are not read`);
    }
    const mammoth = (await import('mammoth')).default;
    let html: string;
    try {
      ({ value: html } = await mammoth.convertToHtml({ buffer: Buffer.from(bytes) }, { styleMap: STYLE_MAP }));
    } catch (error) {
      throw new UnreadableSource(
        `it is not a Word document that can be read (${briefly(error)}). Save it from Word as a .docx document`,
      );
    }
    const builder = new DocumentBuilder();
    const content = await parseDocument(`<!doctype html><html><body>${html}</body></html>`);
    if (content.body) addHtmlBlocks(content.body, builder);
    const document = builder.build('');
    const blocks = document.blocks ?? [];
    const titleBlock =
      blocks.find((block) => block.kind === 'heading' && block.level === 1) ??
      blocks.find((block) => block.kind === 'heading') ??
      blocks[0];
    const title = titleBlock ? document.text.slice(titleBlock.start, titleBlock.end) : '';
    return { ...document, title: cutTitle(title) || path.posix.basename(file) };
  },
};
