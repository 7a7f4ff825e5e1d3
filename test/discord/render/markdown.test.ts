import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RankedPassage, TextRange } from '../../../src/answer/answer.js';
import { markdownReader } from '../../../src/corpus/formats/markdown.js';
import { splitIntoPassages } from '../../../src/corpus/passages.js';
import type { Passage } from '../../../src/corpus/types.js';
import { EMBED_DESCRIPTION_LIMIT, EMBEDS_TOTAL_LIMIT } from '../../../src/discord/limits.js';
import { answerEmbed, answerEmbeds, sourceContextEmbed } from '../../../src/discord/render/embeds.js';
import { quotePassage } from '../../../src/discord/render/quote.js';
import { embedLength } from 'discord.js';
import { holdsRawMention as holdsLiveMention } from '../../bad-strings.js';
import { codeBlocks, fencesPaired, visibleText } from '../markdown.js';

function markdown(text: string, options: Partial<RankedPassage> = {}): RankedPassage {
  return {
    id: '0123456789abcdef',
    file: 'guide.md',
    title: 'Guide',
    lines: [1, text.split('\n').length],
    text,
    ordinal: 0,
    format: 'markdown',
    score: 1,
    highlights: [],
    bestSentence: [0, 0],
    quote: text,
    quoteRange: [0, text.length],
    quoteLines: [1, text.split('\n').length],
    ...options,
  };
}

function rangeOf(text: string, words: string, from = 0): TextRange {
  const start = text.indexOf(words, from);
  if (start === -1) throw new Error(`"${words}" is not in the text`);
  return [start, start + words.length];
}

const INSTALL = [
  '## Example usage',
  '',
  'Install it with [npm](https://www.npmjs.com/package/dotenv), then load it:',
  '',
  '```sh',
  'npm install dotenv --save',
  '',
  'node -r dotenv/config your_script.js',
  '```',
  '',
  '- one `.env` file per environment',
  '- never commit it',
].join('\n');

describe('a Markdown quote', () => {
  it('shows a code block as a code block, a link as a link, a list as a list and a heading as a heading', () => {
    const quote = quotePassage(markdown(INSTALL), EMBED_DESCRIPTION_LIMIT);
    expect(quote).toContain('> ## Example usage');
    expect(quote).toContain('[npm](https://www.npmjs.com/package/dotenv)');
    expect(quote).toContain('> ```sh\n> npm install dotenv --save\n> \n> node -r dotenv/config your_script.js\n> ```');
    expect(quote).toContain('> - one `.env` file per environment\n> - never commit it');
    expect(quote).not.toMatch(/\\[#`[\]]/);
    expect(codeBlocks(quote)).toEqual([{ language: 'sh', code: 'npm install dotenv --save\n\nnode -r dotenv/config your_script.js' }]);
  });

  it('keeps the quote of any other format escaped, showing the characters it holds', () => {
    const quote = quotePassage(markdown(INSTALL, { format: 'text' }), EMBED_DESCRIPTION_LIMIT);
    expect(quote).toContain('> \\## Example usage');
    expect(quote).toContain('\\`\\`\\`sh');
    expect(visibleText(quote)).toBe(INSTALL);
  });

  it('bolds the question words and underlines the best sentence in the text, never in code or a link', () => {
    const text = 'Run `npm install dotenv` to install dotenv, or see [install dotenv](https://example.org/install).\n\n```sh\nnpm install dotenv\n```';
    const highlights = [...text.matchAll(/install|dotenv/g)].map((match): TextRange => [match.index, match.index + match[0].length]);
    const best = rangeOf(text, 'Run `npm install dotenv` to install dotenv, or see [install dotenv](https://example.org/install).');
    const quote = quotePassage(markdown(text, { highlights, bestSentence: best }), EMBED_DESCRIPTION_LIMIT);
    expect(quote).toContain('`npm install dotenv`');
    expect(quote).toContain('__to **install dotenv**, or see__');
    expect(quote).toContain('[install dotenv](https://example.org/install)');
    expect(codeBlocks(quote)).toEqual([{ language: 'sh', code: 'npm install dotenv' }]);
  });

  it("escapes what is plain text to Markdown but markup to Discord, and leaves a bare address as it is", () => {
    const text = 'Spoilers || are not a thing here, 5 * 3 = 15, snake_case_name, see https://example.org/a_b_c.\n2019. A good year.';
    const quote = quotePassage(markdown(text), EMBED_DESCRIPTION_LIMIT);
    expect(quote).toContain('\\|\\|');
    expect(quote).toContain('5 \\* 3');
    expect(quote).toContain('snake\\_case\\_name');
    expect(quote).toContain('https://example.org/a_b_c');
    expect(quote).toContain('> 2019\\. A good year.');
    expect(visibleText(quote)).toBe(text);
  });

  it('turns code blocks and list markers Discord does not know into ones it does', () => {
    const text = '~~~js\nconst a = 1;\n~~~\n\n    indented code\n\n+ plus item\n\n1) first\n\n#### Deep\n\nSetext\n======';
    const quote = quotePassage(markdown(text), EMBED_DESCRIPTION_LIMIT);
    expect(codeBlocks(quote)).toEqual([
      { language: 'js', code: 'const a = 1;' },
      { language: '', code: 'indented code' },
    ]);
    expect(quote).toContain('> - plus item');
    expect(quote).toContain('> 1. first');
    expect(quote).toContain('> ### Deep');
    expect(quote).toContain('> # Setext');
  });

  it('makes every link one Discord can open: relative ones resolved where the source is published, others its text', () => {
    const text = [
      'See [the API](docs/api.md), [usage](#usage), [the licence][licence] and [npm](https://www.npmjs.com "npm\'s site").',
      'Write to [the team](mailto:team@example.org).',
      '',
      '[licence]: ../LICENSE',
    ].join('\n');
    const published = quotePassage(markdown(text, { file: 'guides/setup.md' }), EMBED_DESCRIPTION_LIMIT, 'https://example.org/blob/main/data');
    expect(published).toBe(
      '> See [the API](https://example.org/blob/main/data/guides/docs/api.md), ' +
        '[usage](https://example.org/blob/main/data/guides/setup.md#usage), ' +
        '[the licence](https://example.org/blob/main/data/LICENSE) and [npm](https://www.npmjs.com/).\n' +
        '> Write to the team.',
    );
    const unpublished = quotePassage(markdown(text, { file: 'guides/setup.md' }), EMBED_DESCRIPTION_LIMIT);
    expect(unpublished).toBe('> See the API, usage, the licence and [npm](https://www.npmjs.com/).\n> Write to the team.');
  });

  it('keeps mentions inert, in code too', () => {
    const text = 'Ping @everyone and <@123456789012345678>.\n\n```\n@here <@&123456789012345678>\n```';
    const quote = quotePassage(markdown(text), EMBED_DESCRIPTION_LIMIT);
    expect(holdsLiveMention(quote)).toBe(false);
    expect(visibleText(quote)).toContain('@everyone and <@123456789012345678>.');
  });

  it('shows a code block that holds a fence, or that Discord could not show, as escaped text', () => {
    const text = '````md\n```js\nx\n```\n````\n\n- item\n\n  ~~~\n  nested\n  ~~~';
    const quote = quotePassage(markdown(text), EMBED_DESCRIPTION_LIMIT);
    expect(fencesPaired(quote)).toBe(true);
    expect(codeBlocks(quote)).toEqual([]);
    expect(visibleText(quote)).toContain('```js');
  });

  it('cuts between blocks when it must, never inside a code fence, and marks each cut', () => {
    const text = ['Intro paragraph about the setup.', '```sh\n' + 'echo step\n'.repeat(30) + '```', 'The answer is here.', 'Closing words.'].join('\n\n');
    const best = rangeOf(text, 'The answer is here.');
    const quote = quotePassage(markdown(text, { bestSentence: best }), 150);
    expect(quote.length).toBeLessThanOrEqual(150);
    expect(quote).toContain('The answer is here.');
    expect(quote.startsWith('> \\[…\\] __The answer is here.__')).toBe(true);
    expect(fencesPaired(quote)).toBe(true);
    expect(quote).not.toContain('echo step');
  });

  it('shows a code block too long for the room to its last whole line, its fence closed', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `echo line ${i}`);
    const text = `\`\`\`sh\n${lines.join('\n')}\n\`\`\``;
    const quote = quotePassage(markdown(text), 500);
    expect(quote.length).toBeLessThanOrEqual(500);
    const [block] = codeBlocks(quote);
    expect(lines.join('\n').startsWith(`${block?.code}\n`)).toBe(true);
    expect(quote.endsWith('> ```\n> \\[…\\]')).toBe(true);
  });

  it('cuts a long paragraph at a word, around its best sentence', () => {
    const text = Array.from({ length: 100 }, (_, i) => `Sentence ${i} has *some* words.`).join(' ');
    const best = rangeOf(text, 'Sentence 80 has *some* words.');
    const quote = quotePassage(markdown(text, { bestSentence: best }), 400);
    expect(quote.length).toBeLessThanOrEqual(400);
    expect(quote.startsWith('> \\[…\\] __Sentence 80')).toBe(true);
    expect(quote.endsWith(' \\[…\\]')).toBe(true);
    expect(text).toContain(visibleText(quote).replace(/^\[…\] | \[…\]$/g, ''));
  });

  it('shows the focus of a long passage from the start of its paragraph, and the blocks it needs', () => {
    const text = 'First paragraph, not quoted.\n\nThe focus starts here. It goes on.\n\n```\ncode after\n```';
    const quote = quotePassage(markdown(text, { quoteRange: rangeOf(text, 'The focus starts here.') }), EMBED_DESCRIPTION_LIMIT);
    expect(quote).toBe('> \\[…\\] The focus starts here. \\[…\\]');
  });

  it('takes a paragraph ending in a colon on to the block it announces, and cites the lines of both', () => {
    const text = '## Logging a visit\n\nLog every visit the same night, with this command:\n\n```sh\nvisits log --area camden\n```\n\nThen tell the coordinator.';
    const focus = rangeOf(text, 'Log every visit the same night, with this command:');
    const passage = markdown(text, { lines: [10, 18], quoteRange: focus, quoteLines: [12, 12], bestSentence: focus });
    const description = answerEmbed('How do I log a visit?', passage, { rank: 0, total: 1 }, undefined).description ?? '';
    expect(codeBlocks(description)).toEqual([{ language: 'sh', code: 'visits log --area camden' }]);
    expect(description).not.toContain('Then tell');
    expect(visibleText(description)).toContain('📄 guide.md · lines 12–16 · Guide');
  });

  it('for any Markdown: within the room, fences paired, no live mention', () => {
    const word = fc.constantFrom('sex', 'work', 'police', 'London.', 'snake_case', '5 * 3', '||', '~~', '\\', '@everyone', '<@123>', '@here', '`', '[x]', 'é', '🦊');
    const words = fc.array(word, { minLength: 1, maxLength: 12 }).map((list) => list.join(' '));
    const block = fc.oneof(
      fc.tuple(fc.integer({ min: 1, max: 6 }), words).map(([level, text]) => `${'#'.repeat(level)} ${text}`),
      words,
      fc.array(words, { minLength: 1, maxLength: 4 }).map((list) => list.join('\n')),
      fc.tuple(fc.constantFrom('', 'sh', 'js x', '```'), fc.array(words, { maxLength: 30 })).map(([lang, lines]) => `\`\`\`${lang}\n${lines.join('\n')}\n\`\`\``),
      fc.array(words, { minLength: 1, maxLength: 30 }).map((lines) => `~~~\n${lines.join('\n\n')}\n~~~`),
      fc.array(words, { minLength: 1, maxLength: 5 }).map((items) => items.map((item) => `- ${item}`).join('\n')),
      fc.array(words, { minLength: 1, maxLength: 3 }).map((items) => items.map((item) => `1) ${item}\n\n   \`\`\`\n   ${item}\n   \`\`\``).join('\n')),
      fc.array(words, { minLength: 2, maxLength: 4 }).map((cells) => `| ${cells.join(' | ')} |\n|${'---|'.repeat(cells.length)}\n| ${cells.join(' || ')} |`),
      words.map((text) => `> ${text}`),
      words.map((text) => `<details><summary>${text}</summary>\n\n${text}\n\n</details>`),
      words.map((text) => `[${text}](https://example.org/a_(b)) and \`${text}\` and **${text}**`),
      words.map((text) => `[${text}](docs/${text}.md "Docs") and [${text}][ref] and [${text}](#usage)\n\n[ref]: ../${text}`),
      words.map((text) => `\`\`\`\n${text}`),
      fc.string({ maxLength: 80 }),
    );
    const document = fc.array(block, { minLength: 1, maxLength: 14 }).map((blocks) => blocks.join('\n\n'));
    const range = fc.tuple(fc.nat(), fc.nat());
    fc.assert(
      fc.property(document, fc.integer({ min: 40, max: 4096 }), fc.array(range, { maxLength: 8 }), range, range, (text, budget, bold, best, focus) => {
        const clamp = ([a, b]: [number, number]): TextRange => {
          const from = a % (text.length + 1);
          return [from, from + (b % (text.length + 1 - from))];
        };
        const passage = markdown(text, { highlights: bold.map(clamp), bestSentence: clamp(best), quoteRange: clamp(focus) });
        const quote = quotePassage(passage, budget, 'https://example.org/data');
        expect(quote.length).toBeLessThanOrEqual(budget);
        expect(fencesPaired(quote)).toBe(true);
        expect(holdsLiveMention(quote)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

/** READMEs of installed packages: Markdown that nobody here wrote. */
const README_PACKAGES = ['dotenv', 'undici', 'fast-check', 'mammoth'];

async function readmePassages(name: string): Promise<Passage[]> {
  const file = `${name}.md`;
  const bytes = readFileSync(path.join(import.meta.dirname, '..', '..', '..', 'node_modules', name, 'README.md'));
  const document = await markdownReader.read(bytes, { file, note: () => {} });
  return splitIntoPassages({ file, bytes: bytes.length, format: 'markdown', ...document });
}

describe('real READMEs', () => {
  it('every passage of them, in answers and in "Show source": within the limits, fences paired, no live mention', async () => {
    for (const name of README_PACKAGES) {
      const passages = await readmePassages(name);
      for (const [at, passage] of passages.entries()) {
        const explained = { ...passage, highlights: [], bestSentence: [0, 0] as const };
        for (const embed of [
          answerEmbed('How do I use it?', explained, { rank: 0, total: 1 }, 'https://example.org/data'),
          ...answerEmbeds('How do I use it?', [explained, explained, explained], undefined),
          sourceContextEmbed(passage, passages.slice(Math.max(0, at - 1), at + 2), undefined, 'The whole source is attached.'),
        ]) {
          expect(embed.description?.length).toBeLessThanOrEqual(EMBED_DESCRIPTION_LIMIT);
          expect(embedLength(embed)).toBeLessThanOrEqual(EMBEDS_TOTAL_LIMIT);
          expect(fencesPaired(embed.description ?? ''), `${name}.md, passage ${at}`).toBe(true);
          expect(holdsLiveMention(embed.description ?? '')).toBe(false);
        }
      }
    }
  });

  it("show dotenv's code blocks as code blocks, not escaped markup", async () => {
    const passages = await readmePassages('dotenv');
    const withCode = passages.filter((passage) => passage.text.includes('\n```'));
    expect(withCode.length).toBeGreaterThan(3);
    for (const passage of withCode) {
      const quote = quotePassage({ ...passage, highlights: [], bestSentence: [0, 0] }, EMBED_DESCRIPTION_LIMIT);
      expect(quote).not.toContain('\\`\\`\\`');
      expect(codeBlocks(quote).length).toBeGreaterThan(0);
    }
  });
});
