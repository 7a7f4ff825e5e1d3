import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSources } from '../../src/corpus/load.js';
import { TextCache } from '../../src/corpus/text-cache.js';
import { dataFolder } from '../helpers.js';
import { makePdf } from './formats/fixtures.js';

const REPORT = () =>
  makePdf([
    { lines: [{ text: 'Outreach in 2024', size: 18 }, { text: 'The team made 340 visits to flats in Soho this year.' }] },
  ]);

/** Every file under a folder, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

describe('the text cache', () => {
  it("keeps what a PDF reads as, by the file's hash: an unchanged file is not read again, a changed one is", async () => {
    const dataDir = await dataFolder({ 'report.pdf': await REPORT() });
    const textCacheDir = await dataFolder({});
    const [first] = await loadSources(dataDir, () => {}, { textCacheDir });
    if (first?.hash === undefined) throw new Error('the PDF was not read');
    expect(first.text).toContain('340 visits');

    // What the cache holds is what the next load gives: the file itself is not read again.
    const kept = { text: 'Kept text.', title: 'Kept', blocks: [{ start: 0, end: 10, kind: 'paragraph' as const }] };
    await new TextCache(textCacheDir, () => {}).put(first.hash, 'pdf', { document: kept, notes: [] });
    const [again] = await loadSources(dataDir, () => {}, { textCacheDir });
    expect(again).toMatchObject({ text: 'Kept text.', title: 'Kept', hash: first.hash });

    await writeFile(path.join(dataDir, 'report.pdf'), await makePdf([{ lines: [{ text: 'A new edition of the report.' }] }]));
    const [changed] = await loadSources(dataDir, () => {}, { textCacheDir });
    expect(changed?.text).toBe('A new edition of the report.');
  });

  it('keeps why a file cannot be used, and tells it again at every load', async () => {
    const dataDir = await dataFolder({
      'scan.pdf': await makePdf([{ lines: [] }], { imageOnly: true }),
      'notes.txt': 'Notes.',
    });
    const textCacheDir = await dataFolder({});
    const loads = [];
    for (let run = 0; run < 2; run++) {
      const warnings: string[] = [];
      await loadSources(dataDir, (message) => warnings.push(message), { textCacheDir });
      loads.push(warnings);
    }
    expect(loads[0]).toEqual([expect.stringMatching(/^skipped scan\.pdf: it has no text layer/)]);
    expect(loads[1]).toEqual(loads[0]);
  });

  it('reads the file again when what it keeps is damaged', async () => {
    const dataDir = await dataFolder({ 'report.pdf': await REPORT() });
    const textCacheDir = await dataFolder({});
    await loadSources(dataDir, () => {}, { textCacheDir });
    for (const file of await filesUnder(path.join(textCacheDir, 'content-v2'))) {
      await writeFile(file, (await readFile(file)).subarray(0, 5));
    }
    const warnings: string[] = [];
    const [report] = await loadSources(dataDir, (message) => warnings.push(message), { textCacheDir });
    expect(report?.text).toContain('340 visits');
    expect(warnings).toEqual([]);
  });
});
