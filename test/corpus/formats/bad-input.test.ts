import fc from 'fast-check';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { loadSources } from '../../../src/corpus/load.js';
import { READERS } from '../../../src/corpus/formats/index.js';
import { UnreadableSource } from '../../../src/corpus/formats/reader.js';
import { dataFolder } from '../../helpers.js';
import { makePdf } from './fixtures.js';

describe('bad files among the sources', () => {
  it('a corrupt PDF, a zip renamed .docx, a 50 MB page and a 2,000-page PDF: a warning each, the rest served', async () => {
    const book = await makePdf(
      Array.from({ length: 2_000 }, (_, index) => ({ lines: [{ text: `Entry ${index + 1}: the log of visit ${index + 1}.` }] })),
    );
    const padding = '<p>Filler paragraph of a very long page.</p>\n'.repeat(Math.ceil((50 * 1024 * 1024) / 44));
    const warnings: string[] = [];
    const sources = await loadSources(
      await dataFolder({
        'broken.pdf': Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF garbage'),
        'photos.docx': zipSync({ 'photo.jpg': strToU8('not really a photo') }),
        'huge.html': `<html><body>${padding}</body></html>`,
        'book.pdf': book,
        'good.txt': 'The drop-in centre opens on Mondays.',
      }),
      (message) => warnings.push(message),
    );
    expect(sources.map((source) => source.file)).toEqual(['book.pdf', 'good.txt']);
    expect(sources[0]?.text).toContain('Entry 1000: the log of visit 1000.');
    expect(sources[0]?.text).not.toContain('Entry 1001:');
    expect(warnings).toEqual([
      'book.pdf has 2,000 pages: only its first 1,000 are read. Split it into smaller files to have all of it searched',
      expect.stringMatching(/^skipped broken\.pdf: it is not a readable PDF/),
      expect.stringMatching(/^skipped huge\.html: it is 5\d\.\d MB: HTML pages over 10\.0 MB are not read/),
      expect.stringMatching(/^skipped photos\.docx: it is not a Word document that can be read/),
    ]);
  });
});

/** Bytes that start as a format's files do, then go wrong: what a truncated download or a misnamed file holds. */
const PREFIXES: Record<string, readonly string[]> = {
  pdf: ['%PDF-1.4\n', '%PDF-1.7\n1 0 obj\n<<', ''],
  docx: ['PK\u0003\u0004', ''],
  html: ['<!doctype html><html><body>', '<p>', ''],
  markdown: ['---\ntitle: ', '# ', '```', ''],
  text: [''],
};

describe('every reader (property)', () => {
  it('reads any bytes into a document or says why it cannot, and never throws anything else', async () => {
    for (const reader of READERS) {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...(PREFIXES[reader.format] ?? [''])), fc.uint8Array({ maxLength: 600 }), async (prefix, tail) => {
          const bytes = Buffer.concat([Buffer.from(prefix, 'latin1'), tail]);
          try {
            const document = await reader.read(bytes, { file: `x${reader.extensions[0]}`, note: () => {} });
            expect(typeof document.text).toBe('string');
            for (const block of document.blocks ?? []) {
              expect(block.start).toBeLessThan(block.end);
              expect(block.end).toBeLessThanOrEqual(document.text.length);
            }
          } catch (error) {
            expect(error).toBeInstanceOf(UnreadableSource);
          }
        }),
        { numRuns: 40 },
      );
    }
  });
});
