import { describe, expect, it } from 'vitest';
import { citationLabel, citationLink } from '../../src/answer/citation.js';
import type { Passage } from '../../src/corpus/types.js';
import { loadSources } from '../../src/corpus/load.js';
import { splitIntoPassages } from '../../src/corpus/passages.js';
import { makeDocx, makePdf } from '../corpus/formats/fixtures.js';
import { dataFolder } from '../helpers.js';

const BASE = 'https://github.com/example/sources/blob/main/data';

/** The passages of a data folder holding `files`, by file. */
async function passagesOf(files: Record<string, string | Uint8Array>): Promise<Map<string, Passage[]>> {
  const sources = await loadSources(await dataFolder(files));
  return new Map(sources.map((source) => [source.file, splitIntoPassages(source)]));
}

const GUIDE = '# Guide\n\nRead this first.\n\n## Install\n\n### Windows\n\nRun the installer as an administrator.\n';

describe('the link a citation uses', () => {
  it('points a PDF at its page, a Markdown passage at its heading, a text file at its lines', async () => {
    const passages = await passagesOf({
      'report.pdf': await makePdf([
        { lines: [{ text: 'Funding', size: 16 }, { text: 'The council cut the outreach budget by a third in 2019.' }] },
        { lines: [{ text: 'Visits', size: 16 }, { text: 'The van now visits on Tuesday and Friday nights only.' }] },
      ]),
      'guide.md': GUIDE,
      'notes.txt': 'Outreach notes\n\nThe van visits on Tuesdays.',
    });
    const [, visits] = passages.get('report.pdf') ?? [];
    expect(visits?.page).toBe(2);
    expect(citationLink(visits as Passage, BASE)).toBe(`${BASE}/report.pdf#page=2`);
    expect(citationLabel(visits as Passage)).toMatch(/^📄 report\.pdf · p\. 2 · § Visits · lines? /);

    const windows = passages.get('guide.md')?.find((passage) => passage.text.includes('installer'));
    expect(windows?.section).toEqual(['Guide', 'Install', 'Windows']);
    expect(citationLink(windows as Passage, BASE)).toBe(`${BASE}/guide.md#windows`);

    const [notes] = passages.get('notes.txt') ?? [];
    expect(citationLink(notes as Passage, BASE)).toBe(`${BASE}/notes.txt#L1-L3`);
  });

  it("sends an HTML page to its own address, with or without a base URL", async () => {
    const passages = await passagesOf({
      'saved.html':
        '<html><head><title>Drop-in</title><link rel="canonical" href="https://example.org/news/drop-in"></head>' +
        '<body><article><h1>Drop-in</h1><p>The drop-in centre opens on Mondays and Thursdays from May.</p></article></body></html>',
    });
    const [page] = passages.get('saved.html') ?? [];
    expect(citationLink(page as Passage, BASE)).toBe('https://example.org/news/drop-in');
    expect(citationLink(page as Passage, undefined)).toBe('https://example.org/news/drop-in');
  });

  it('gives a Word file, whose lines are of the text as read, no fragment, and no link without a base URL', async () => {
    const passages = await passagesOf({
      'policy.docx': await makeDocx([{ heading: 'Reporting', level: 1 }, { paragraph: 'Tell the duty manager the same day.' }]),
      'Notes (draft)/a file.md': 'Plain notes without a heading.',
    });
    const [policy] = passages.get('policy.docx') ?? [];
    expect(citationLink(policy as Passage, BASE)).toBe(`${BASE}/policy.docx`);
    expect(citationLink(policy as Passage, undefined)).toBeUndefined();
    const [notes] = passages.get('Notes (draft)/a file.md') ?? [];
    expect(citationLink(notes as Passage, BASE)).toBe(`${BASE}/Notes%20(draft)/a%20file.md#L1-L1`);
  });
});
