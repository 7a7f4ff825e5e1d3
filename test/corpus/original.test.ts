import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSources } from '../../src/corpus/load.js';
import { readOriginal, snapshotName } from '../../src/corpus/original.js';
import { makePdf } from './formats/fixtures.js';
import { dataFolder } from '../helpers.js';

describe('the original file of a source', () => {
  it('is the file as read, byte for byte, while it has not changed', async () => {
    const pdf = await makePdf([{ lines: [{ text: 'The van visits on Tuesdays.' }] }]);
    const dataDir = await dataFolder({ 'reports/visits.pdf': pdf, 'notes.txt': 'Line one\r\nLine two\r\n' });
    const sources = await loadSources(dataDir);
    const [notes, report] = sources;
    expect(await readOriginal(dataDir, report!, undefined)).toEqual({ status: 'found', bytes: pdf, name: 'visits.pdf' });
    // The text as read has its line endings folded; the file handed out is the file.
    expect(notes?.text).toBe('Line one\nLine two\n');
    expect(await readOriginal(dataDir, notes!, undefined)).toMatchObject({ bytes: await readFile(path.join(dataDir, 'notes.txt')) });
  });

  it('is not handed out once the file has changed or gone: its passages are of the version read', async () => {
    const dataDir = await dataFolder({ 'a.txt': 'The van visits on Tuesdays.', 'b.txt': 'The nurse comes twice a month.' });
    const [a, b] = await loadSources(dataDir);
    await writeFile(path.join(dataDir, 'a.txt'), 'The van visits on Fridays.');
    await rm(path.join(dataDir, 'b.txt'));
    expect(await readOriginal(dataDir, a!, undefined)).toEqual({ status: 'changed' });
    expect(await readOriginal(dataDir, b!, undefined)).toEqual({ status: 'changed' });
  });
});

describe("a web page's snapshot", () => {
  it('is named after its address, with the ending of its format', () => {
    expect(snapshotName('https://camden.example.org/news/drop-in?x=1', 'html')).toBe('camden.example.org-news-drop-in.html');
    expect(snapshotName('https://example.org/reports/2023.pdf', 'pdf')).toBe('example.org-reports-2023.pdf');
    expect(snapshotName(`https://example.org/${'a'.repeat(500)}`, 'html')).toHaveLength(120);
  });
});
