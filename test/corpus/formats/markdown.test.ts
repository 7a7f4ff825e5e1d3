import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadSources } from '../../../src/corpus/load.js';
import { splitIntoPassages } from '../../../src/corpus/passages.js';
import { Library } from '../../../src/library.js';
import { dataFolder } from '../../helpers.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

async function load(files: Record<string, string | Uint8Array>) {
  const warnings: string[] = [];
  const sources = await loadSources(await dataFolder(files), (message) => warnings.push(message));
  return { sources, warnings };
}

/** READMEs of installed packages: Markdown that nobody here wrote, with badges, HTML logos and FAQs. */
const readme = (name: string) => readFileSync(path.join(ROOT, 'node_modules', name, 'README.md'));

describe('Markdown sources', () => {
  it('are titled by their front matter, else their top heading, never by a badge, logo or HTML', async () => {
    const { sources } = await load({
      'a.md': '---\ntitle: "Renting: your rights"\nlayout: page\n---\n\n# Renting\n\nText.\n',
      'b.md': '# dotenv [![NPM version](https://img.shields.io/npm/v/dotenv.svg)](https://npm.example/dotenv)\n\nText.\n',
      'c.md': '<h1 align="center"><img src="logo.svg" alt="logo"><br>chai</h1>\n\nText.\n',
      'd.md': '## Install\n\nRun `npm install` first.\n',
    });
    expect(sources.map((source) => source.title)).toEqual(['Renting: your rights', 'dotenv', 'chai', 'Run npm install first.']);
  });

  it('are titled sensibly from real package READMEs', async () => {
    const { sources, warnings } = await load({
      'dotenv.md': readme('dotenv'),
      'discord.js.md': readme('discord.js'),
      'chai.md': readme('chai'),
      'tsx.md': readme('tsx'),
      'fast-check.md': readme('fast-check'),
    });
    expect(warnings).toEqual([]);
    const titles = Object.fromEntries(sources.map((source) => [source.file, source.title]));
    expect(titles['dotenv.md']).toBe('dotenv');
    expect(titles['chai.md']).toBe('chai');
    expect(titles['tsx.md']).toBe('TypeScript Execute (tsx): The easiest way to run TypeScript in Node.js');
    expect(titles['fast-check.md']).toBe('Property based testing framework for JavaScript/TypeScript');
    expect(titles['discord.js.md']).toMatch(/^discord\.js is a powerful Node\.js module/);
    for (const title of Object.values(titles)) expect(title).not.toMatch(/[[\]<>!]|^About$/);
  });

  it("quote the file's own Markdown, with true line numbers, never its front matter", async () => {
    const text = '---\ntitle: Guide\n---\n# Guide\n\nSee **the list**:\n\n- one `item`\n- two\n';
    const [guide] = (await load({ 'guide.md': text })).sources;
    if (guide === undefined) throw new Error('not read');
    expect(guide.text).toBe(text);
    const passages = splitIntoPassages(guide);
    expect(passages.map((passage) => passage.text)).toEqual(['# Guide\n\nSee **the list**:\n\n- one `item`\n- two']);
    expect(passages[0]?.lines).toEqual([4, 9]);
  });

  it('give each passage its heading path and the GitHub anchor of its heading, repeats numbered', async () => {
    const body = (topic: string) => `${topic} needs more words than a fragment has, so that it stands on its own here.`;
    const text = [
      '# Guide', '', '## Install', '', '### Windows', '', body('Windows'), '', '### Linux', '', body('Linux'), '',
      '## Usage', '', '### Windows', '', body('Usage on Windows'),
    ].join('\n');
    const [guide] = (await load({ 'guide.md': text })).sources;
    if (guide === undefined) throw new Error('not read');
    const passages = splitIntoPassages(guide);
    expect(passages.map((passage) => [passage.section?.join(' › '), passage.anchor])).toEqual([
      ['Guide › Install › Windows', 'windows'],
      ['Guide › Install › Linux', 'linux'],
      ['Guide › Usage › Windows', 'windows-1'],
    ]);
    // A heading goes with the text it introduces, headings right above it too.
    expect(passages[0]?.text.startsWith('# Guide\n\n## Install\n\n### Windows\n\nWindows needs')).toBe(true);
  });

  it('never end a passage inside a code block, even an unclosed one, a list item or a table row', async () => {
    const words = (count: number) => Array.from({ length: count }, (_, index) => `word${index}`).join(' ');
    const text = [
      '# Reference', '', words(100), '', '```sh', ...Array.from({ length: 30 }, (_, index) => `run step ${index} now`), '```',
      '', '| Option | Meaning |', '|---|---|', ...Array.from({ length: 20 }, (_, index) => `| opt${index} | ${words(8)} |`),
      '', `- ${words(40)}`, `  ${words(40)}`, `- ${words(90)}`, '', '```js', ...Array.from({ length: 40 }, () => words(5)),
    ].join('\n');
    const [reference] = (await load({ 'reference.md': text })).sources;
    if (reference === undefined) throw new Error('not read');
    const passages = splitIntoPassages(reference);
    for (const passage of passages) {
      const fences = passage.text.match(/^```/gm)?.length ?? 0;
      expect(fences % 2 === 0 || passage.text.includes('```js'), passage.text).toBe(true);
      expect(passage.text.split('\n')[0]).not.toMatch(/^(\s+word|\|---|run step)/);
    }
    // The list item whose paragraph goes on over a second line is in one passage, whole.
    const item = passages.find((passage) => passage.text.includes(`- ${words(40)}`));
    expect(item?.text).toContain(`- ${words(40)}\n  ${words(40)}`);
    expect(passages.at(-1)?.text.startsWith('```js')).toBe(true);
  });

  it("answer a FAQ question with its own answer, each collapsible question a section, in a real README", async () => {
    const { sources } = await load({ 'dotenv.md': readme('dotenv') });
    const library = new Library(await dataFolder({}), sources);
    const results = (await library.answer('Should I commit my .env file?')).results.slice(0, 2);
    const answer = results.find((result) => result.text.includes('Should I commit my `.env` file?'));
    expect(answer?.text).toMatch(/^No\.$/m);
    expect(answer?.section).toEqual(['dotenv', 'FAQ', 'Should I commit my `.env` file?']);
    // Its neighbour in the FAQ is a passage of its own.
    expect(answer?.text).not.toContain('variable expansion');
    for (const result of results) expect(result.section?.slice(0, 2)).toEqual(['dotenv', 'FAQ']);
    // Questions one after another replace each other in the heading path; they do not nest.
    const next = library.passages.find((passage) => passage.text.includes('<summary>What about variable expansion?'));
    expect(next?.section).toEqual(['dotenv', 'FAQ', 'What about variable expansion?']);
  });
});

/** Markdown blocks a property test composes documents from, with whether a passage may end inside them. */
const BLOCKS = fc.oneof(
  fc.constantFrom('# Title', '## Section', '### Sub-section', '#### Deep'),
  fc.array(fc.constantFrom('Some words here.', 'More words', 'and still more.', 'Even more text'), { minLength: 1, maxLength: 30 })
    .map((sentences) => sentences.join(' ')),
  fc.integer({ min: 1, max: 12 }).map((lines) => ['```', ...Array.from({ length: lines }, (_, at) => `code line ${at}`), '```'].join('\n')),
  fc.integer({ min: 1, max: 6 }).map((items) => Array.from({ length: items }, (_, at) => `- item ${at} with a few words`).join('\n')),
  fc.integer({ min: 1, max: 6 }).map((rows) => ['| a | b |', '|---|---|', ...Array.from({ length: rows }, (_, at) => `| ${at} | cell words |`)].join('\n')),
  fc.constantFrom('> A quoted line\n> and another.', '---', '<div>raw html</div>', '[ref]: https://example.org'),
);

describe('Markdown passages (property)', () => {
  it('are verbatim, cover every line but the front matter, and never cut a code block, list item or table row', async () => {
    const { markdownReader } = await import('../../../src/corpus/formats/markdown.js');
    await fc.assert(
      fc.asyncProperty(fc.array(BLOCKS, { minLength: 1, maxLength: 25 }), fc.boolean(), async (blocks, withFrontMatter) => {
        // A file that opens with a thematic break opens with front matter, to a Markdown parser.
        fc.pre(withFrontMatter || blocks[0] !== '---');
        const frontMatter = withFrontMatter ? '---\ntitle: Property\n---\n' : '';
        const text = frontMatter + blocks.join('\n\n') + '\n';
        const document = await markdownReader.read(Buffer.from(text), { file: 'p.md', note: () => {} });
        const passages = splitIntoPassages({ file: 'p.md', bytes: text.length, ...document });
        const lines = text.split('\n');
        const frontMatterLines = frontMatter === '' ? 0 : 3;
        const covered = new Set<number>();
        for (const passage of passages) {
          expect(lines.slice(passage.lines[0] - 1, passage.lines[1]).join('\n')).toContain(passage.text);
          expect(passage.lines[0]).toBeGreaterThan(frontMatterLines);
          for (let line = passage.lines[0]; line <= passage.lines[1]; line++) covered.add(line);
        }
        lines.forEach((line, index) => {
          if (line.trim() !== '' && index >= frontMatterLines) expect(covered.has(index + 1), `line ${index + 1}`).toBe(true);
        });
        // Fences, list items and table rows are whole: no passage starts or ends in the middle of one.
        for (const passage of passages) {
          expect((passage.text.match(/^```/gm)?.length ?? 0) % 2).toBe(0);
          expect(passage.text).not.toMatch(/^\|---/);
          expect(passage.text).not.toMatch(/^code line/);
        }
      }),
      { numRuns: 150 },
    );
  });
});
