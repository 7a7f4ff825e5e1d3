import { readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSources, SYNONYMS_FILE } from '../../src/corpus/load.js';
import type { Passage } from '../../src/corpus/types.js';
import { parseSynonyms } from '../../src/search/expansions.js';
import { indexPassages, Library } from '../../src/library.js';
import { IndexCache } from '../../src/search/persist.js';
import type { SearchIndex } from '../../src/search/search-index.js';
import type { SearchIndexSnapshot } from '../../src/search/snapshot.js';
import { makeDocx, makePdf } from '../corpus/formats/fixtures.js';
import { dataFolder, SEED_DATA } from '../helpers.js';

/** Questions that exercise every structure the persisted index holds: terms, corrections, acronyms, synonyms, prefixes. */
const QUESTIONS = [
  'Who is Laura Watson?',
  'Are most migrant sex workers in London trafficked?',
  'polcie raids on flats in Soho',
  'What does ECOP say about criminalising clients?',
  'What did the ECP say?',
  'What do the Met say about punters?',
  'walk-ups in Chinatown',
  'How many women were arrested? 2,600',
  'What is the weather in Leeds?',
];
const PARTIALS = ['laura wat', 'sex workers pol', 'soho walk-u', 'redbridge coun', 'e'];

/** A copy of the seed data folder, which the tests may change. */
async function seedCopy(): Promise<string> {
  const files: Record<string, Buffer> = {};
  for (const name of await readdir(SEED_DATA)) files[name] = await readFile(path.join(SEED_DATA, name));
  return dataFolder(files);
}

/** Everything a member sees of the answers, scores to the last bit included. */
async function answersOf(library: Library): Promise<unknown> {
  return {
    asked: await Promise.all(QUESTIONS.map((question) => library.answer(question, { top: 10 }))),
    suggested: PARTIALS.map((partial) => library.suggest(partial, 25)),
    passages: library.passages,
  };
}

describe('the persisted index', () => {
  it('gives exactly the answers of a fresh build', async () => {
    const dataDir = await seedCopy();
    const cacheDir = await dataFolder({});
    const warnings: string[] = [];
    const warn = (message: string) => warnings.push(message);
    const fresh = await Library.open({ dataDir, warn });
    const first = await Library.open({ dataDir, cacheDir, warn });
    const restored = await Library.open({ dataDir, cacheDir, warn });
    expect(await readdir(cacheDir)).toHaveLength(1);
    expect(await answersOf(first)).toEqual(await answersOf(fresh));
    expect(await answersOf(restored)).toEqual(await answersOf(fresh));
    expect(warnings).toEqual([]);
  });

  it('is read back only with the synonyms it was built with', async () => {
    const dataDir = await seedCopy();
    const cacheDir = await dataFolder({});
    await Library.open({ dataDir, cacheDir });
    const sources = await loadSources(dataDir);
    const { groups } = parseSynonyms(await readFile(path.join(dataDir, SYNONYMS_FILE), 'utf8'));
    expect(await new IndexCache(cacheDir, dataDir, sources, groups).load(() => {})).toBeDefined();
    expect(await new IndexCache(cacheDir, dataDir, sources, []).load(() => {})).toBeUndefined();

    await writeFile(path.join(dataDir, SYNONYMS_FILE), 'zeppelin = Laura Watson\n');
    const changed = await Library.open({ dataDir, cacheDir });
    expect(await answersOf(changed)).toEqual(await answersOf(await Library.open({ dataDir })));
    expect((await changed.answer('What did the zeppelin say?')).results[0]?.text).toContain('Laura Watson');
  });

  it('is rebuilt when a source changes, and answers from the new text', async () => {
    const dataDir = await seedCopy();
    const cacheDir = await dataFolder({});
    await Library.open({ dataDir, cacheDir });
    const [file] = (await readdir(dataDir)).filter((name) => name.endsWith('.txt') && name !== 'synonyms.txt');
    await writeFile(path.join(dataDir, file ?? ''), '\n\nThe zeppelin landed on the allotments at dawn.\n', { flag: 'a' });
    const changed = await Library.open({ dataDir, cacheDir });
    expect((await changed.answer('When did the zeppelin land?')).results[0]?.text).toContain('zeppelin landed');
    const again = await Library.open({ dataDir, cacheDir });
    expect(await answersOf(again)).toEqual(await answersOf(await Library.open({ dataDir })));
  });

  it('is rebuilt, with a warning, when the file cannot be read', async () => {
    const dataDir = await seedCopy();
    const cacheDir = await dataFolder({});
    await Library.open({ dataDir, cacheDir });
    const [name] = await readdir(cacheDir);
    await writeFile(path.join(cacheDir, name ?? ''), 'not an index');
    const warnings: string[] = [];
    const library = await Library.open({ dataDir, cacheDir, warn: (message) => warnings.push(message) });
    expect(warnings).toEqual([expect.stringContaining('could not read the persisted index')]);
    expect(await answersOf(library)).toEqual(await answersOf(await Library.open({ dataDir })));
  });

  it('is rebuilt, with a warning, when the file was cut short', async () => {
    const dataDir = await seedCopy();
    const cacheDir = await dataFolder({});
    await Library.open({ dataDir, cacheDir });
    const [name] = await readdir(cacheDir);
    const file = path.join(cacheDir, name ?? '');
    await truncate(file, Math.floor((await readFile(file)).length / 2));
    const warnings: string[] = [];
    const library = await Library.open({ dataDir, cacheDir, warn: (message) => warnings.push(message) });
    expect(warnings).toEqual([expect.stringContaining('could not read the persisted index')]);
    expect(await answersOf(library)).toEqual(await answersOf(await Library.open({ dataDir })));
    // Rebuilt and written again: the next start reads it without a word.
    warnings.length = 0;
    expect(await answersOf(await Library.open({ dataDir, cacheDir, warn: (message) => warnings.push(message) }))).toEqual(
      await answersOf(library),
    );
    expect(warnings).toEqual([]);
  });

  it('is rebuilt, with a warning, when its arrays do not fit together', async () => {
    const dataDir = await seedCopy();
    const cacheDir = await dataFolder({});
    const sources = await loadSources(dataDir);
    const { groups } = parseSynonyms(await readFile(path.join(dataDir, SYNONYMS_FILE), 'utf8'));
    const built = indexPassages(sources, groups);
    const snapshot = built.index.snapshot();
    const [text, ...others] = snapshot.fields;
    if (text === undefined) throw new Error('the index has no fields');
    // A passage that does not exist, named where a file damaged on disk might name it.
    const damaged: SearchIndexSnapshot = {
      ...snapshot,
      fields: [{ ...text, documents: text.documents.map((document) => document + built.passages.length) }, ...others],
    };
    const cache = new IndexCache(cacheDir, dataDir, sources, groups);
    await cache.save({ passages: built.passages, index: { snapshot: () => damaged } as SearchIndex }, () => {});
    const warnings: string[] = [];
    expect(await cache.load((message) => warnings.push(message))).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('could not read the persisted index')]);
    const library = await Library.open({ dataDir, cacheDir, warn: () => {} });
    expect(await answersOf(library)).toEqual(await answersOf(await Library.open({ dataDir })));
  });

  it('is not written, with a warning, for passages that are not cut from the sources', async () => {
    const dataDir = await seedCopy();
    const cacheDir = await dataFolder({});
    const sources = await loadSources(dataDir);
    const built = indexPassages(sources, []);
    const [first, ...others] = built.passages;
    if (first === undefined) throw new Error('the seeds have no passages');
    const passages = [{ ...first, text: `${first.text} (edited)` }, ...others];
    const cache = new IndexCache(cacheDir, dataDir, sources, []);
    const warnings: string[] = [];
    await cache.save({ passages, index: built.index }, (message) => warnings.push(message));
    expect(warnings).toEqual([expect.stringMatching(/could not persist the index .*not cut from these sources/)]);
    expect(await cache.load(() => {})).toBeUndefined();
  });

  it('keeps one file per data folder', async () => {
    const cacheDir = await dataFolder({});
    const one = await dataFolder({ 'a.txt': 'Kerb crawlers were fined in Redbridge.' });
    const other = await dataFolder({ 'b.txt': 'Outreach workers visit the flats every week.' });
    await Library.open({ dataDir: one, cacheDir });
    await Library.open({ dataDir: other, cacheDir });
    expect(await readdir(cacheDir)).toHaveLength(2);
    const restored = await Library.open({ dataDir: one, cacheDir });
    expect((await restored.answer('Where were kerb crawlers fined?')).results[0]?.file).toBe('a.txt');
  });

  it("gives passages read from PDF, Word, HTML and Markdown their formats, pages, sections and links again", async () => {
    const dataDir = await dataFolder({
      'report.pdf': await makePdf([
        { lines: [{ text: 'Visits', size: 16 }, { text: 'The team visited the flats every week of the year and' }] },
        { lines: [{ text: 'offered advice on housing and health to every woman.' }] },
      ]),
      'policy.docx': await makeDocx([{ heading: 'Policy', level: 1 }, { heading: 'Reporting', level: 2 }, { paragraph: 'Tell the duty manager.' }]),
      'page.html': '<html><head><link rel="canonical" href="https://example.org/p"></head><body><h2 id="hours">Hours</h2><p>Open on Thursdays.</p></body></html>',
      'guide.md': '# Guide\n\n## Deposits\n\nProtect the deposit within 30 days.\n',
    });
    const cacheDir = await dataFolder({});
    const fresh = await Library.open({ dataDir });
    await Library.open({ dataDir, cacheDir });
    const restored = await Library.open({ dataDir, cacheDir });
    expect(restored.passages).toEqual(fresh.passages);
    const place = (passage: Passage) => [passage.file, passage.format, passage.page, passage.pageEnd, passage.section, passage.url];
    expect(restored.passages.map(place)).toEqual([
      ['guide.md', 'markdown', undefined, undefined, ['Guide', 'Deposits'], undefined],
      ['page.html', 'html', undefined, undefined, ['Hours'], 'https://example.org/p'],
      ['policy.docx', 'docx', undefined, undefined, ['Policy', 'Reporting'], undefined],
      ['report.pdf', 'pdf', 1, 2, ['Visits'], undefined],
    ]);
  });
});
