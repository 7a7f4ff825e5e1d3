import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataFolderError, loadSources, titleOf } from '../../src/corpus/load.js';
import { dataFolder } from '../helpers.js';

async function load(files: Record<string, string | Uint8Array>) {
  const warnings: string[] = [];
  const sources = await loadSources(await dataFolder(files), (message) => warnings.push(message));
  return { sources, warnings };
}

describe('loading the data folder', () => {
  it('reads source files recursively, sorted by path, named relative to the folder', async () => {
    const { sources } = await load({
      'b.txt': 'Second',
      'a/z.md': '# Nested',
      'a/y.txt': 'Also nested',
      'notes.odt': 'not a source',
      'c.HTML': '<title>Third</title><p>Saved page</p>',
      '.hidden.txt': 'hidden',
    });
    expect(sources.map((source) => source.file)).toEqual(['a/y.txt', 'a/z.md', 'b.txt', 'c.HTML']);
    expect(sources.map((source) => source.format)).toEqual(['text', 'markdown', 'text', 'html']);
  });

  it('strips a BOM and folds CRLF and lone CR to LF, so line numbers stay true', async () => {
    const { sources } = await load({ 'a.txt': '\uFEFFone\r\ntwo\rthree\n' });
    expect(sources[0]?.text).toBe('one\ntwo\nthree\n');
  });

  it('decodes a file that is not UTF-8 as Windows-1252, with a warning naming it', async () => {
    const bytes = Uint8Array.from([0x93, 0x43, 0x61, 0x66, 0xe9, 0x94, 0x20, 0x80, 0x35]); // “Café” €5
    const { sources, warnings } = await load({ 'legacy.txt': bytes });
    expect(sources[0]?.text).toBe('“Café” €5');
    expect(warnings.join('\n')).toMatch(/legacy\.txt.*Windows-1252/);
  });

  it('skips empty and binary files with a warning naming each, and goes on', async () => {
    const { sources, warnings } = await load({
      'empty.txt': '',
      'blank.txt': ' \n\n ',
      'binary.txt': Uint8Array.from([0x50, 0x4b, 0x00, 0x01]),
      'good.txt': 'A real source',
    });
    expect(sources.map((source) => source.file)).toEqual(['good.txt']);
    expect(warnings.some((warning) => warning.includes('empty.txt') && warning.includes('empty'))).toBe(true);
    expect(warnings.some((warning) => warning.includes('blank.txt'))).toBe(true);
    expect(warnings.some((warning) => warning.includes('binary.txt') && warning.includes('binary'))).toBe(true);
  });

  it('does not read the synonyms file as a source', async () => {
    const { sources } = await load({ 'synonyms.txt': 'Met = Metropolitan Police', 'a.txt': 'text' });
    expect(sources.map((source) => source.file)).toEqual(['a.txt']);
  });

  it('stops with a message that says what to do when the folder is missing or holds no source', async () => {
    await expect(loadSources('/nonexistent/citebot-data')).rejects.toThrow(DataFolderError);
    await expect(loadSources('/nonexistent/citebot-data')).rejects.toThrow(/DATA_DIR/);
    const empty = await dataFolder({ 'readme.odt': 'x', 'empty.txt': '' });
    await expect(loadSources(empty)).rejects.toThrow(/no usable source documents.*\.txt or \.md/s);
  });
});

describe('loading many files', () => {
  it('keeps the order of paths and of warnings whatever the number of files', async () => {
    const files: Record<string, string | Uint8Array> = {};
    const expectedFiles: string[] = [];
    const expectedWarnings: string[] = [];
    for (let at = 0; at < 600; at++) {
      const name = `${String(at % 7)}/${String(at).padStart(4, '0')}.txt`;
      const kind = at % 10;
      if (kind === 3) {
        files[name] = Uint8Array.from([0x41, 0x00]);
        expectedWarnings.push(`skipped ${name}: it is a binary file (it holds NUL bytes), not text`);
      } else if (kind === 6) {
        files[name] = '  \n';
        expectedWarnings.push(`skipped ${name}: it is empty`);
      } else {
        files[name] = `Title ${at}\n\nText of file ${at}.`;
        expectedFiles.push(name);
      }
    }
    const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const { sources, warnings } = await load(files);
    expect(sources.map((source) => source.file)).toEqual(expectedFiles.sort(order));
    // Warnings come in path order, as each file is read.
    const pathOf = (warning: string) => warning.split(' ')[1] ?? '';
    expect(warnings).toEqual([...expectedWarnings].sort((a, b) => order(pathOf(a), pathOf(b))));
    expect(sources.find((source) => source.file === '1/0001.txt')?.title).toBe('Title 1');
  });
});

/** The title's line as the loader first found it, reading every line: titleOf must start from the same. */
function titleLineByEveryLine(text: string): string {
  return text.split('\n').map((line) => line.trim()).find((candidate) => candidate !== '') ?? '';
}

describe('titles', () => {
  it('of a text file are what reading every line gives', () => {
    const pieces = ['# ', '## ', '#', '####### ', ' ', '\t', '\u00a0', '\n', '\n\n', 'Title', '**bold**', 'word. ', '`x`'];
    const piece = fc.constantFrom(...pieces);
    const text = fc.array(piece, { maxLength: 40 }).map((pieces) => pieces.join(''));
    fc.assert(
      fc.property(text, fc.constantFrom('a.txt', 'dir/C.TXT'), (source, file) => {
        expect(titleOf(source, file)).toBe(titleOf(titleLineByEveryLine(source), file));
      }),
      { numRuns: 500 },
    );
  });


  it('is the first non-empty line of a text file', () => {
    expect(titleOf('\n\n  Sex workers’ call for Met help  \nbody', 'a.txt')).toBe('Sex workers’ call for Met help');
  });

  it("is a Markdown file's top heading, without its marks, even after an introduction", async () => {
    const { sources } = await load({ 'a.md': 'Some intro\n\n# The **real** title\n\n## A section\n' });
    expect(sources[0]?.title).toBe('The real title');
  });

  it('is cut to its first sentence, then at a word, when the first line is a whole paragraph', () => {
    const paragraph = `${'A long opening sentence that goes on and on '.repeat(4)}to its end. Then another one.`;
    const title = titleOf(paragraph, 'a.txt');
    expect(title.length).toBeLessThanOrEqual(120);
    expect(title.endsWith('…')).toBe(true);
    expect(paragraph.startsWith(title.slice(0, -1))).toBe(true);
  });
});
