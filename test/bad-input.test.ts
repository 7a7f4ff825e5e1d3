/**
 * Bad input, property-tested on the core and on the functions that render what the bot sends. Through Discord (the
 * emulator) the same inputs are tested in test/discord/bad-input.test.ts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { embedLength, type APIEmbed } from 'discord.js';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataFolderError } from '../src/corpus/load.js';
import { parsePassageChoice, passageChoiceValue } from '../src/interactions/commands/ask.js';
import { answerMessage, matchesFor, pickedView, rankedView } from '../src/interactions/components/answer-pages.js';
import { buttonHandler } from '../src/interactions/components/index.js';
import { parseShowSourceCustomId } from '../src/interactions/components/show-source.js';
import {
  AUTOCOMPLETE_CHOICE_LIMIT,
  BUTTON_LABEL_LIMIT,
  CUSTOM_ID_LIMIT,
  EMBED_DESCRIPTION_LIMIT,
  EMBED_FOOTER_LIMIT,
  EMBED_TITLE_LIMIT,
  EMBEDS_TOTAL_LIMIT,
} from '../src/discord/limits.js';
import { answerEmbeds, fitQuestion, notFoundEmbed, sourceContextEmbed, sourceEmbed, sourcesPageEmbed, suggestionName } from '../src/discord/render/embeds.js';
import { citation } from '../src/discord/render/citation.js';
import { Library } from '../src/library.js';
import { badString, holdsRawMention } from './bad-strings.js';
import { dataFolder, SEED_DATA } from './helpers.js';

/** Pure functions get a few hundred runs; those that write and index a data folder, fewer. */
const PURE_RUNS = 300;
const FOLDER_RUNS = 60;

const BASE_URL = 'https://example.org/sources/blob/main/data';

function expectWithinLimits(embeds: readonly APIEmbed[]): void {
  expect(embeds.length).toBeLessThanOrEqual(10);
  for (const embed of embeds) {
    expect(embed.title?.length ?? 0).toBeLessThanOrEqual(EMBED_TITLE_LIMIT);
    expect(embed.description?.length ?? 0).toBeLessThanOrEqual(EMBED_DESCRIPTION_LIMIT);
    expect(embed.footer?.text.length ?? 0).toBeLessThanOrEqual(EMBED_FOOTER_LIMIT);
    // Footers show text as it is: Discord parses neither markdown nor mentions there.
    for (const text of [embed.title, embed.description]) expect(holdsRawMention(text)).toBe(false);
  }
  expect(embeds.reduce((total, embed) => total + embedLength(embed), 0)).toBeLessThanOrEqual(EMBEDS_TOTAL_LIMIT);
}

let seed: Library;

beforeAll(async () => {
  seed = await Library.open({ dataDir: SEED_DATA });
});

describe('any string as a question', () => {
  it('is answered or declined, never thrown on, in messages within Discord limits that ping nobody', async () => {
    await fc.assert(
      fc.asyncProperty(badString, fc.boolean(), async (typed, linked) => {
        const sourceBaseUrl = linked ? BASE_URL : undefined;
        const question = fitQuestion(typed);
        const answer = await matchesFor(seed, question);
        const view = rankedView(question, answer, 0);
        if (view) {
          const message = answerMessage(view, sourceBaseUrl, true);
          expectWithinLimits(message.embeds);
          for (const button of message.components.flatMap((row) => row.components)) {
            expect('custom_id' in button && button.custom_id.length).toBeLessThanOrEqual(CUSTOM_ID_LIMIT);
            expect(('label' in button && button.label?.length) || 0).toBeLessThanOrEqual(BUTTON_LABEL_LIMIT);
          }
          expectWithinLimits(answerEmbeds(question, answer.results.slice(0, 3), sourceBaseUrl));
        } else {
          expectWithinLimits([notFoundEmbed(question, answer, sourceBaseUrl)]);
        }
      }),
      { numRuns: PURE_RUNS },
    );
  });
});

describe('any string as an autocomplete value', () => {
  it('gets at most 25 suggestions, each named and valued within 100 characters, whose value reads back', async () => {
    await fc.assert(
      fc.asyncProperty(badString, async (typed) => {
        const suggestions = seed.suggest(typed.trim(), 25);
        expect(suggestions.length).toBeLessThanOrEqual(25);
        for (const passage of suggestions) {
          const name = suggestionName(passage);
          expect(name.length).toBeGreaterThan(0);
          expect(name.length).toBeLessThanOrEqual(AUTOCOMPLETE_CHOICE_LIMIT);
          const value = passageChoiceValue(passage.id, typed.trim());
          expect(value.length).toBeLessThanOrEqual(AUTOCOMPLETE_CHOICE_LIMIT);
          expect(parsePassageChoice(value)?.passageId).toBe(passage.id);
        }
        // The same string coming back as the chosen value: it names a passage only in the exact form the bot writes.
        const picked = parsePassageChoice(typed);
        if (picked) {
          expect(picked.passageId).toMatch(/^[0-9a-f]{16}$/);
          const passage = seed.passage(picked.passageId);
          const question = fitQuestion(picked.question);
          if (passage) {
            const view = pickedView(seed, question, await matchesFor(seed, question), passage);
            expectWithinLimits(answerMessage(view, undefined, true).embeds);
          }
        }
      }),
      { numRuns: PURE_RUNS },
    );
  });
});

describe('any string as a custom_id', () => {
  it('finds a handler only by its family, and names a passage only by a 16-digit hex id, never a path', () => {
    fc.assert(
      fc.property(badString, fc.constantFrom('', 'src:', 'post:', 'ask:next:', 'sources:next:', 'pin:'), (tail, family) => {
        const customId = family + tail;
        const handler = buttonHandler(customId);
        if (handler) expect(customId === handler.family || customId.startsWith(`${handler.family}:`)).toBe(true);
        const passageId = parseShowSourceCustomId(customId);
        if (passageId !== undefined) expect(passageId).toMatch(/^[0-9a-f]{16}$/);
      }),
      { numRuns: PURE_RUNS },
    );
    expect(parseShowSourceCustomId('src:../../etc/passwd')).toBeUndefined();
  });
});

describe("any string as a file's content", () => {
  it('is indexed with every passage quoted verbatim and within limits, or refused as no usable source', async () => {
    await fc.assert(
      fc.asyncProperty(badString, badString, async (content, question) => {
        const dir = await dataFolder({ 'source.txt': content });
        let library: Library;
        try {
          library = await Library.open({ dataDir: dir });
        } catch (error) {
          expect(error).toBeInstanceOf(DataFolderError);
          expect(content.trim() === '' || content.includes('\u0000')).toBe(true);
          return;
        }
        const [source] = library.sources;
        expect(source?.file).toBe('source.txt');
        const lines = source?.text.split('\n') ?? [];
        const passages = library.passagesOf('source.txt');
        expect(passages.length).toBeGreaterThan(0);
        for (const passage of passages) {
          expect(lines.slice(passage.lines[0] - 1, passage.lines[1]).join('\n')).toContain(passage.text);
          expectWithinLimits([sourceEmbed(source!, passage, passages.length, BASE_URL, 'The whole source is attached.')]);
          expectWithinLimits([sourceContextEmbed(passage, library.neighbours(passage), BASE_URL, 'The whole source is attached.')]);
        }
        const answer = await library.answer(question);
        const view = rankedView(fitQuestion(question), answer, 0);
        expectWithinLimits(view ? answerMessage(view, BASE_URL, true).embeds : [notFoundEmbed(fitQuestion(question), answer, BASE_URL)]);
      }),
      { numRuns: FOLDER_RUNS },
    );
  });
});

/** A name a file can have on Linux and that the sources do not skip: no "/", no NUL, not hidden, at most 255 bytes. */
const fileName = badString
  // eslint-disable-next-line no-control-regex -- a file name cannot hold NUL
  .map((text) => text.replace(/[/\u0000\ud800-\udfff]/g, '').replace(/^[.\s]+/, ''))
  .filter((name) => name.length > 0 && Buffer.byteLength(`${name}.txt`) <= 255);

describe('any string as a source file name', () => {
  it('is cited, listed and linked within limits, and its link stays one link', async () => {
    await fc.assert(
      fc.asyncProperty(fileName, fc.boolean(), async (name, inFolder) => {
        const file = inFolder ? `folder/${name}.txt` : `${name}.txt`;
        const dir = await dataFolder({});
        await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
        await writeFile(path.join(dir, file), 'Outreach\n\nThe outreach van visits on Tuesday nights.');
        const library = await Library.open({ dataDir: dir });
        const [source] = library.sources;
        expect(source?.file).toBe(file);
        const [passage] = library.passagesOf(file);
        if (!source || !passage) throw new Error('the source was not indexed');

        expect(holdsRawMention(citation(passage, undefined))).toBe(false);
        const linked = citation(passage, BASE_URL);
        const target = /\]\((https:[^)\s]+)\)$/.exec(linked)?.[1];
        const url = new URL(target ?? '');
        expect(decodeURIComponent(url.pathname)).toBe(`${new URL(BASE_URL).pathname}/${file}`);
        expect(url.hash).toBe(`#L${passage.lines[0]}-L${passage.lines[1]}`);
        expectWithinLimits([sourcesPageEmbed([{ source, passageCount: 1 }], 0)]);
        expectWithinLimits([sourceEmbed(source, passage, 1, BASE_URL, 'The whole source is attached.')]);
        const [suggestion] = library.suggest('outreach van');
        expect(suggestion && suggestionName(suggestion).length).toBeLessThanOrEqual(AUTOCOMPLETE_CHOICE_LIMIT);
      }),
      { numRuns: FOLDER_RUNS },
    );
  });
});
