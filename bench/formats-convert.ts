/**
 * The seed documents in other formats, as a community's sources come: a PDF report with page breaks and a running
 * header and footer, a saved web page inside its site (navigation, cookie banner, "most read", footer), a Word file
 * with a heading, and Markdown with front matter. Each keeps the seed's text: its first line as the title or heading,
 * every other non-blank line as a paragraph.
 */
import { Document, HeadingLevel, Packer, Paragraph } from 'docx';
import PDFDocument from 'pdfkit';
import type { Source } from '../src/corpus/types.js';

export const CONVERTED_FORMATS = ['pdf', 'html', 'docx', 'md'] as const;
export type ConvertedFormat = (typeof CONVERTED_FORMATS)[number];

/** A converted file, and for a PDF the page each word of its text was set on (in the order of the text's words). */
export interface Converted {
  readonly bytes: Buffer;
  readonly wordPages?: readonly number[];
  readonly pages?: number;
}

/** The seed's title and paragraphs: its first non-blank line, and each non-blank line after it. */
function parts(source: Source): { title: string; paragraphs: string[] } {
  const lines = source.text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return { title: lines[0] ?? source.title, paragraphs: lines.slice(1) };
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An A5 page, so that each seed runs over a few pages; margins leave room for the header and footer. */
const PAGE = { width: 420, height: 595, margin: 56, size: 10.5, leading: 1.35 } as const;

/**
 * A PDF set line by line: each paragraph wrapped at the page's width, a new page when the lines reach its foot,
 * a running header and a page number on every page. Lines are placed one by one, so that the page of every word is
 * known.
 */
export async function toPdf(source: Source): Promise<Converted> {
  const { title, paragraphs } = parts(source);
  const document = new PDFDocument({ size: [PAGE.width, PAGE.height], margin: PAGE.margin, autoFirstPage: false });
  const chunks: Buffer[] = [];
  document.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<Buffer>((resolve) => document.on('end', () => resolve(Buffer.concat(chunks))));
  const width = PAGE.width - 2 * PAGE.margin;
  const lineHeight = PAGE.size * PAGE.leading;
  const wordPages: number[] = [];
  let page = 0;
  let y = Infinity;
  const newPage = () => {
    document.addPage();
    page += 1;
    document.font('Helvetica').fontSize(8).text('Community sources — seed collection', PAGE.margin, 24, { lineBreak: false });
    document.fontSize(8).text(`Page ${page}`, PAGE.margin, PAGE.height - 32, { lineBreak: false });
    y = PAGE.margin;
  };
  const setLine = (line: string, size: number, font: string) => {
    if (y + size * PAGE.leading > PAGE.height - PAGE.margin) newPage();
    document.font(font).fontSize(size).text(line, PAGE.margin, y, { lineBreak: false });
    for (const _word of line.split(' ')) wordPages.push(page);
    y += size * PAGE.leading;
  };
  const setParagraph = (text: string, size: number, font: string) => {
    document.font(font).fontSize(size);
    let line = '';
    for (const word of text.split(/\s+/).filter(Boolean)) {
      const candidate = line === '' ? word : `${line} ${word}`;
      if (line !== '' && document.widthOfString(candidate) > width) {
        setLine(line, size, font);
        line = word;
      } else {
        line = candidate;
      }
    }
    if (line !== '') setLine(line, size, font);
    y += lineHeight * 0.6;
  };
  newPage();
  setParagraph(title, 15, 'Helvetica-Bold');
  for (const paragraph of paragraphs) setParagraph(paragraph, PAGE.size, 'Helvetica');
  document.end();
  return { bytes: await ended, wordPages, pages: page };
}

/** The seed as an article on a news site, saved from the browser with the site around it. */
export function toHtml(source: Source): Converted {
  const { title, paragraphs } = parts(source);
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>${escapeHtml(title)} | Camden &amp; City Chronicle</title>
<meta property="og:title" content="${escapeHtml(title)}">
<link rel="canonical" href="https://chronicle.example.org/news/${encodeURIComponent(source.file.replace(/\.\w+$/, ''))}">
<script>window.dataLayer = [{ page: 'article' }];</script>
<style>.cookie-banner { position: fixed; bottom: 0 }</style>
</head><body>
<header class="site-header"><a href="/">Camden &amp; City Chronicle</a>
<nav><ul><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li><li><a href="/whats-on">What's on</a></li><li><a href="/property">Property</a></li><li><a href="/jobs">Jobs</a></li></ul></nav></header>
<div class="cookie-banner" id="cookie-consent"><p>We use cookies to personalise content and ads and to analyse our traffic. By continuing you agree to our use of cookies.</p><button>Accept all cookies</button><button>Manage preferences</button></div>
<main><article class="story">
<h1>${escapeHtml(title)}</h1>
<div class="story-body">
${paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`).join('\n')}
</div>
<div class="share">Share this article: <a href="#">Facebook</a> <a href="#">X</a> <a href="#">Email</a></div>
</article></main>
<aside class="most-read"><h2>Most read</h2><ol>
<li><a href="/1">Council approves plans for new leisure centre on the high street</a></li>
<li><a href="/2">Traffic delays expected as bridge repairs begin next month</a></li>
<li><a href="/3">Local bakery wins national award for its sourdough loaf</a></li>
<li><a href="/4">Residents divided over proposed cycle lane on the main road</a></li>
</ol></aside>
<footer><p>© 2024 Camden &amp; City Chronicle. All rights reserved.</p><ul><li><a href="/privacy">Privacy policy</a></li><li><a href="/terms">Terms and conditions</a></li><li><a href="/contact">Contact us</a></li></ul></footer>
</body></html>`;
  return { bytes: Buffer.from(html, 'utf8') };
}

/** A Word document: the title as Heading 1, every other line a paragraph. */
export async function toDocx(source: Source): Promise<Converted> {
  const { title, paragraphs } = parts(source);
  const document = new Document({
    sections: [
      {
        children: [
          new Paragraph({ text: title, heading: HeadingLevel.HEADING_1 }),
          ...paragraphs.map((paragraph) => new Paragraph({ text: paragraph })),
        ],
      },
    ],
  });
  return { bytes: await Packer.toBuffer(document) };
}

/** Markdown with front matter (title, source, date), the title as its heading, paragraphs between blank lines. */
export function toMarkdown(source: Source): Converted {
  const { title, paragraphs } = parts(source);
  const frontMatter = ['---', `title: ${JSON.stringify(title)}`, `source: ${source.file}`, 'date: 2024-05-01', '---'];
  return { bytes: Buffer.from(`${[...frontMatter, '', `# ${title}`, '', ...paragraphs.flatMap((p) => [p, ''])].join('\n')}`, 'utf8') };
}

export async function convert(source: Source, format: ConvertedFormat): Promise<Converted> {
  switch (format) {
    case 'pdf':
      return toPdf(source);
    case 'html':
      return toHtml(source);
    case 'docx':
      return toDocx(source);
    case 'md':
      return toMarkdown(source);
  }
}
