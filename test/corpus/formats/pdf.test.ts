import { describe, expect, it } from 'vitest';
import { loadSources } from '../../../src/corpus/load.js';
import { splitIntoPassages } from '../../../src/corpus/passages.js';
import { Library } from '../../../src/library.js';
import { dataFolder } from '../../helpers.js';
import { makePdf, type PdfPage } from './fixtures.js';

async function load(files: Record<string, string | Uint8Array>) {
  const warnings: string[] = [];
  const sources = await loadSources(await dataFolder(files), (message) => warnings.push(message));
  return { sources, warnings };
}

/** A two-page report with a running header and footer, a heading, a word broken over a line, a list. */
const REPORT: PdfPage[] = [
  {
    header: 'Outreach Annual Report 2024',
    footer: 'Page 1 of 2',
    lines: [
      { text: 'Support services in London', size: 18 },
      { text: 'The outreach team visits the flats every week and offers', gapBefore: 10 },
      { text: 'health checks, advice and infor-' },
      { text: 'mation about housing to anyone who asks for it.' },
      { text: 'A second paragraph starts after a gap and runs on', gapBefore: 14 },
      { text: 'to the bottom of the first page without an ending' },
    ],
  },
  {
    header: 'Outreach Annual Report 2024',
    footer: 'Page 2 of 2',
    lines: [
      { text: 'and ends on the second page with a full stop.' },
      { text: 'Funding', size: 14, gapBefore: 14 },
      { text: '• The council pays for two outreach workers.', gapBefore: 6 },
      { text: '• A charity pays for the van and its fuel.' },
    ],
  },
];

describe('PDF sources', () => {
  it('read the text layer page by page, joining words broken over lines, without running headers and footers', async () => {
    const { sources, warnings } = await load({ 'report.pdf': await makePdf(REPORT) });
    expect(warnings).toEqual([]);
    const [report] = sources;
    expect(report?.format).toBe('pdf');
    expect(report?.text).toContain('advice and information about housing');
    expect(report?.text).not.toMatch(/Annual Report 2024|Page \d of 2/);
    // One paragraph a line: the paragraph cut by the page break is whole again.
    expect(report?.text.split('\n')).toContain(
      'A second paragraph starts after a gap and runs on to the bottom of the first page without an ending and ends ' +
        'on the second page with a full stop.',
    );
    expect(report?.text.split('\n')).toContain('• A charity pays for the van and its fuel.');
  });

  it('give each passage its page, and pageEnd only when it runs over a page break', async () => {
    const [report] = (await load({ 'report.pdf': await makePdf(REPORT) })).sources;
    if (report === undefined) throw new Error('the PDF was not read');
    const passages = splitIntoPassages(report);
    const housing = passages.find((passage) => passage.text.includes('information about housing'));
    const crossing = passages.find((passage) => passage.text.includes('ends on the second page'));
    const funding = passages.find((passage) => passage.text.includes('charity pays'));
    expect(housing?.page).toBe(1);
    expect(crossing).toMatchObject({ page: 1, pageEnd: 2 });
    expect(funding?.page).toBe(2);
    expect(funding).not.toHaveProperty('pageEnd');
    for (const passage of passages) {
      if (passage.pageEnd !== undefined) expect(passage.pageEnd).toBeGreaterThan(passage.page ?? Infinity);
    }
  });

  it('find headings by their size: the section of a passage is its heading path', async () => {
    const [report] = (await load({ 'report.pdf': await makePdf(REPORT) })).sources;
    if (report === undefined) throw new Error('the PDF was not read');
    const funding = splitIntoPassages(report).find((passage) => passage.text.includes('charity pays'));
    expect(funding?.section).toEqual(['Support services in London', 'Funding']);
    expect(funding?.text.startsWith('Funding\n')).toBe(true);
  });

  it("are titled by the PDF's Title, else by the first page's heading", async () => {
    const { sources } = await load({
      'titled.pdf': await makePdf(REPORT, { title: 'Outreach in 2024' }),
      'untitled.pdf': await makePdf(REPORT, { title: 'Microsoft Word - draft3.docx' }),
    });
    expect(sources.map((source) => source.title)).toEqual(['Outreach in 2024', 'Support services in London']);
  });

  it('answer a question with the page it is on', async () => {
    const pages: PdfPage[] = Array.from({ length: 12 }, (_, index) => ({
      lines: [{ text: `Chapter ${index + 1}`, size: 16 }, { text: `Nothing happened in week ${index + 1} but routine visits.` }],
    }));
    pages[8] = { lines: [{ text: 'Chapter 9', size: 16 }, { text: 'The drop-in centre moved to Camden in the ninth week.' }] };
    const library = new Library(await dataFolder({}), (await load({ 'weeks.pdf': await makePdf(pages) })).sources);
    const [best] = (await library.answer('Where did the drop-in centre move?')).results;
    expect(best).toMatchObject({ file: 'weeks.pdf', page: 9, section: ['Chapter 9'] });
  });

  it('skip a scan (no text layer), an encrypted file and a corrupt one, each with a warning naming it', async () => {
    const { sources, warnings } = await load({
      'scan.pdf': await makePdf([{ lines: [] }, { lines: [] }], { imageOnly: true }),
      'locked.pdf': await makePdf(REPORT, { userPassword: 'secret' }),
      'broken.pdf': (await makePdf(REPORT)).subarray(0, 400),
      'notes.txt': 'The rest of the folder is still read.',
    });
    expect(sources.map((source) => source.file)).toEqual(['notes.txt']);
    expect(warnings).toEqual([
      expect.stringMatching(/^skipped broken\.pdf: it is not a readable PDF/),
      expect.stringMatching(/^skipped locked\.pdf: it is encrypted: a password is needed/),
      expect.stringMatching(/^skipped scan\.pdf: it has no text layer \(a scanned document\?\)/),
    ]);
  });
});
