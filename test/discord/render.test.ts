import { ButtonBuilder, ButtonStyle, embedLength } from 'discord.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Answer, RankedPassage, TextRange } from '../../src/answer/answer.js';
import type { Source } from '../../src/corpus/types.js';
import { parsePassageChoice, passageChoiceValue } from '../../src/interactions/commands/ask.js';
import { answerMessage } from '../../src/interactions/components/answer-pages.js';
import { button } from '../../src/interactions/components/buttons.js';
import { postButtons } from '../../src/interactions/components/post-match.js';
import {
  AUTOCOMPLETE_CHOICE_LIMIT,
  BUTTON_LABEL_LIMIT,
  CUSTOM_ID_LIMIT,
  EMBED_DESCRIPTION_LIMIT,
  EMBED_TITLE_LIMIT,
  EMBEDS_TOTAL_LIMIT,
} from '../../src/discord/limits.js';
import { answerEmbed, answerEmbeds, fitQuestion, notFoundEmbed, questionFromTitle, sourceContextEmbed, sourcesPageEmbed, suggestionName } from '../../src/discord/render/embeds.js';
import { quotePassage, type ExplainedPassage } from '../../src/discord/render/quote.js';
import { citation } from '../../src/discord/render/citation.js';
import { escapeText, unescapeText } from '../../src/discord/text.js';
import { cutAtWord } from '../../src/text.js';
import { shown } from './harness.js';
import { visibleText } from './markdown.js';

function passage(text: string, options: Partial<RankedPassage> = {}): RankedPassage {
  return {
    id: '0123456789abcdef',
    file: '003_00d230ab06dfad54.txt',
    title: 'Majority sex workers in London not forced: Report',
    lines: [20, 20],
    text,
    ordinal: 0,
    score: 1,
    highlights: [],
    bestSentence: [0, 0],
    // The whole passage is the quote unless a test narrows it.
    quote: text,
    quoteRange: [0, text.length],
    quoteLines: [20, 20],
    ...options,
  };
}

function rangeOf(text: string, words: string): TextRange {
  const start = text.indexOf(words);
  if (start === -1) throw new Error(`"${words}" is not in the text`);
  return [start, start + words.length];
}

/** The passage as the quote shows it, without the marks of a cut. */
function quotedWords(quote: string): string {
  return visibleText(quote).replaceAll('…', ' ').replace(/\s+/g, ' ').trim();
}

function words(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

const LONG_TEXT = Array.from(
  { length: 400 },
  (_, i) => `Sentence ${i} says that outreach workers met ${i % 7} women near the station.`,
).join(' ');

describe('cutAtWord', () => {
  it('leaves a text that fits alone', () => {
    expect(cutAtWord('Who is Laura Watson?', 20)).toBe('Who is Laura Watson?');
  });

  it('cuts at a word boundary and marks the cut', () => {
    expect(cutAtWord('Who is Laura Watson?', 15)).toBe('Who is Laura…');
  });

  it('keeps a word that ends exactly at the limit', () => {
    expect(cutAtWord('Who is Laura Watson?', 13)).toBe('Who is Laura…');
  });

  it('cuts a single overlong word between characters, never inside an emoji', () => {
    const cut = cutAtWord('🦊'.repeat(10), 6);
    expect(cut).toBe('🦊🦊…');
    expect(cut.length).toBeLessThanOrEqual(6);
  });

  it('never exceeds the limit and never changes the words it keeps', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.integer({ min: 2, max: 120 }), (text, limit) => {
        const cut = cutAtWord(text, limit);
        expect(cut.length).toBeLessThanOrEqual(Math.max(limit, text.length <= limit ? text.length : 0));
        if (cut !== text) expect(text.startsWith(cut.slice(0, -1))).toBe(true);
      }),
    );
  });
});

describe('escaping', () => {
  it('neutralises markdown and mentions in member text', () => {
    const shown = escapeText('**loud** __under__ ||spoiler|| `code` [link](https://e.com) @everyone <@123456789012345678>');
    expect(shown).not.toMatch(/(?<!\\)\*\*|(?<!\\)__|(?<!\\)\|\||(?<!\\)`|(?<!\\)\[/);
    expect(shown).not.toContain('@everyone');
    expect(shown).not.toContain('<@1');
    expect(visibleText(shown)).toBe('**loud** __under__ ||spoiler|| `code` [link](https://e.com) @everyone <@123456789012345678>');
  });

  it('escapes every backtick of a run, so that no three in a row read as a fence', () => {
    for (const run of ['``', '````', '`````', '``````x', 'a ````` b']) {
      const shown = escapeText(run);
      expect(shown).not.toMatch(/(?<!\\)`/);
      expect(shown).not.toContain('```');
      expect(unescapeText(shown)).toBe(run);
    }
  });

  it('keeps headings, lists and quotes from rendering', () => {
    expect(escapeText('# Title\n- item\n1. first\n> quoted\n-# small')).toBe(
      '\\# Title\n\\- item\n1\\. first\n\\> quoted\n\\-# small',
    );
  });

  it('reads back exactly what it escaped', () => {
    const markdownish = fc.string({
      unit: fc.constantFrom('a', ' ', '*', '_', '~', '|', '`', '\\', '#', '-', '>', '[', ']', '@', 'everyone', '<@1>', '\n', '1.', 'é', '🦊'),
      maxLength: 60,
    });
    fc.assert(
      fc.property(markdownish, (text) => {
        expect(unescapeText(escapeText(text))).toBe(text);
      }),
    );
  });

  it('escapes a text as it escapes each of its lines: no rule reaches across a line break', () => {
    const lines = fc.string({
      unit: fc.constantFrom('a', ' ', '  ', '*', '**', '_', '__', '~~', '||', '`', '\\', '# ', '- ', '-#', '> ', '1.', '[', '@', 'here', '\n'),
      maxLength: 40,
    });
    fc.assert(
      fc.property(lines, (text) => {
        expect(escapeText(text)).toBe(text.split('\n').map(escapeText).join('\n'));
      }),
    );
  });
});

describe('the question', () => {
  it('fits a 6,000-character question in the title and reads it back unchanged', () => {
    const question = `${'Where can sex workers in London get support? '.repeat(140)}`.slice(0, 6000);
    const fitted = fitQuestion(question);
    expect(escapeText(fitted).length).toBeLessThanOrEqual(EMBED_TITLE_LIMIT);
    expect(fitted.endsWith('…')).toBe(true);
    expect(questionFromTitle(escapeText(fitted))).toBe(fitted);
  });

  it('fits a question made of markdown characters, which escaping doubles', () => {
    const fitted = fitQuestion('*_'.repeat(1000));
    expect(escapeText(fitted).length).toBeLessThanOrEqual(EMBED_TITLE_LIMIT);
    expect(questionFromTitle(escapeText(fitted))).toBe(fitted);
  });

  it('folds whitespace', () => {
    expect(fitQuestion('  Who is\n\nLaura   Watson? ')).toBe('Who is Laura Watson?');
  });
});

describe('citation', () => {
  it('names the file, the line and the title', () => {
    const cited = passage('text');
    expect(visibleText(citation(cited, undefined))).toBe(
      '📄 003_00d230ab06dfad54.txt · line 20 · Majority sex workers in London not forced: Report',
    );
  });

  it('names a range of lines, and links to them when a base URL is set', () => {
    const cited = passage('text', { file: 'reports/a (draft).txt', lines: [3, 5] });
    const markdown = citation(cited, 'https://example.org/blob/main/data');
    expect(markdown).toMatch(/^\[.*\]\(https:\/\/example\.org\/blob\/main\/data\/reports\/a%20%28draft%29\.txt#L3-L5\)$/);
    expect(visibleText(markdown.slice(1, markdown.indexOf('](')))).toBe(
      '📄 reports/a (draft).txt · lines 3–5 · Majority sex workers in London not forced: Report',
    );
  });

  it('shortens a long title but never the file or the lines', () => {
    const cited = passage('text', { title: 'Very long title '.repeat(60) });
    const shown = visibleText(citation(cited, undefined));
    expect(shown.startsWith('📄 003_00d230ab06dfad54.txt · line 20 · Very long title')).toBe(true);
    expect(shown.length).toBeLessThan(200);
    expect(shown.endsWith('…')).toBe(true);
  });
});

describe('quotePassage', () => {
  const text =
    'As per a report the majority of interviewed migrant workers in the sex industry in London are not forced.\n\n' +
    'Only 6% of the female interviewees felt they had been misled and forced into selling sex.';

  it('quotes the passage verbatim, with the question words in bold and the best sentence underlined', () => {
    const quoted = passage(text, {
      highlights: [rangeOf(text, 'forced'), rangeOf(text, 'misled')],
      bestSentence: rangeOf(text, 'Only 6% of the female interviewees felt they had been misled and forced into selling sex.'),
    });
    const quote = quotePassage(quoted, EMBED_DESCRIPTION_LIMIT);
    expect(quote).toContain('> As per a report');
    expect(quote).toContain('are not **forced**.');
    expect(quote).toContain('> __Only 6% of the female interviewees felt they had been **misled** and');
    expect(quotedWords(quote)).toBe(words(text));
  });

  it('shows markdown in the source as the characters it is', () => {
    const source = '# Not a heading\n- not a list\n**not bold** and [not a link](https://e.com) to @everyone or <@123456789012345678> ||no spoiler||';
    const quote = quotePassage(passage(source, { highlights: [rangeOf(source, 'bold')] }), EMBED_DESCRIPTION_LIMIT);
    expect(quote).toContain('> \\# Not a heading');
    expect(quote).toContain('> \\- not a list');
    expect(quote).toContain('\\*\\*not **bold**\\*\\*');
    expect(quote).not.toContain('@everyone');
    expect(visibleText(quote)).toBe(source.split('\n').join('\n'));
  });

  it('cuts a long passage at word boundaries around its best sentence, marking each cut', () => {
    const best = rangeOf(LONG_TEXT, 'Sentence 300 says that outreach workers met 6 women near the station.');
    const quote = quotePassage(passage(LONG_TEXT, { bestSentence: best, highlights: [rangeOf(LONG_TEXT, 'Sentence 300')] }), 1000);
    expect(quote.length).toBeLessThanOrEqual(1000);
    expect(quote.startsWith('> …')).toBe(true);
    expect(quote.endsWith('…')).toBe(true);
    expect(quote).toContain('__**Sentence 300** says');
    expect(words(LONG_TEXT)).toContain(quotedWords(quote));
  });

  it('keeps the start of a long passage when the best sentence is near it', () => {
    const best = rangeOf(LONG_TEXT, 'Sentence 2 says that outreach workers met 2 women near the station.');
    const quote = quotePassage(passage(LONG_TEXT, { bestSentence: best }), 500);
    expect(quote.startsWith('> Sentence 0 says')).toBe(true);
    expect(quote.endsWith('…')).toBe(true);
    expect(LONG_TEXT.startsWith(quotedWords(quote))).toBe(true);
  });

  it('cuts a passage that is one enormous word between characters', () => {
    const quote = quotePassage(passage('x'.repeat(10_000)), 300);
    expect(quote.length).toBeLessThanOrEqual(300);
    expect(quote.endsWith('…')).toBe(true);
  });

  it('always fits, shows whole words of the passage in order, and keeps the best sentence start', () => {
    const wordList = fc.array(fc.constantFrom('sex', 'work', '*bold*', '__x__', 'police', '\n', '\n\n', 'London.', '#', '@here'), {
      minLength: 1,
      maxLength: 400,
    });
    fc.assert(
      fc.property(wordList, fc.integer({ min: 80, max: 2000 }), fc.nat(), (list, budget, seed) => {
        const text = list.join(' ');
        const start = seed % text.length;
        const quoted = passage(text, { bestSentence: [start, Math.min(text.length, start + 20)] });
        const quote = quotePassage(quoted, budget);
        expect(quote.length).toBeLessThanOrEqual(budget);
        expect(` ${words(text)} `).toContain(` ${quotedWords(quote)} `);
      }),
      { numRuns: 200 },
    );
  });
});

describe('embeds stay within Discord limits', () => {
  it('an answer with a long passage and a long title', () => {
    const long = passage(LONG_TEXT, { title: 'T'.repeat(3000), bestSentence: rangeOf(LONG_TEXT, 'Sentence 399') });
    const embed = answerEmbed(fitQuestion('Q '.repeat(4000)), long, { rank: 0, total: 5 }, 'https://example.org/data');
    expect(embed.title?.length).toBeLessThanOrEqual(EMBED_TITLE_LIMIT);
    expect(embed.description?.length).toBeLessThanOrEqual(EMBED_DESCRIPTION_LIMIT);
    expect(embedLength(embed)).toBeLessThanOrEqual(EMBEDS_TOTAL_LIMIT);
    expect(embed.description).toContain('Sentence 399');
    expect(visibleText(embed.description ?? '')).toContain('📄 003_00d230ab06dfad54.txt · line 20 · TTTT');
    expect(embed.footer?.text).toBe('Match 1 of 5');
  });

  it('three long answers in one message share the 6,000 characters', () => {
    const long = passage(LONG_TEXT);
    const embeds = answerEmbeds('Who runs outreach near the station?', [long, long, long], undefined);
    expect(embeds.reduce((sum, embed) => sum + embedLength(embed), 0)).toBeLessThanOrEqual(EMBEDS_TOTAL_LIMIT);
    expect(embeds.map((embed) => embed.title)).toEqual(['Who runs outreach near the station?', undefined, undefined]);
    for (const embed of embeds) expect(visibleText(embed.description ?? '')).toContain('📄 003_00d230ab06dfad54.txt · line 20');
  });

  it('"Show source" with long neighbours', () => {
    const before = passage(LONG_TEXT, { id: 'aaaaaaaaaaaaaaaa', lines: [1, 19] });
    const cited = passage(LONG_TEXT, { id: 'bbbbbbbbbbbbbbbb', lines: [20, 40] });
    const after = passage(LONG_TEXT, { id: 'cccccccccccccccc', lines: [41, 60] });
    const embed = sourceContextEmbed(cited, [before, cited, after], undefined, 'The whole source is attached.');
    expect(embed.description?.length).toBeLessThanOrEqual(EMBED_DESCRIPTION_LIMIT);
    expect(embedLength(embed)).toBeLessThanOrEqual(EMBEDS_TOTAL_LIMIT);
    const description = embed.description ?? '';
    expect(description.indexOf('*lines 1–19*')).toBeLessThan(description.indexOf('> Sentence 0'));
    expect(description.indexOf('> Sentence 0')).toBeLessThan(description.indexOf('*lines 41–60*'));
    const text = shown(embed);
    expect(text.endsWith('📄 003_00d230ab06dfad54.txt · lines 20–40 · Majority sex workers in London not forced: Report')).toBe(true);
  });

  it('a page of sources with enormous titles', () => {
    const sources: Source[] = Array.from({ length: 25 }, (_, i) => ({
      file: `${String(i).padStart(3, '0')}_${'a'.repeat(16)}.txt`,
      title: `Title ${i} `.repeat(200),
      text: 'x',
      bytes: 1,
    }));
    const entries = sources.map((source) => ({ source, passageCount: 3 }));
    const last = sourcesPageEmbed(entries, 2);
    expect(last.footer?.text).toBe('Page 3 of 3');
    expect(embedLength(sourcesPageEmbed(entries, 0))).toBeLessThanOrEqual(EMBEDS_TOTAL_LIMIT);
    expect(sourcesPageEmbed(entries, 0).description?.split('\n')).toHaveLength(10);
  });
});

describe('not in the sources', () => {
  it('names the closest sources as hints without quoting them', () => {
    const hint = passage('A passage that must not be shown as an answer.', { lines: [3, 5] });
    const answer: Answer = { question: 'What is the weather in Leeds?', verdict: 'none', answered: false, reason: 'weak-match', search: 'lexical', results: [hint, hint] };
    const embed = notFoundEmbed(answer.question, answer, undefined);
    const shown = visibleText(embed.description ?? '');
    expect(shown).toContain("I couldn't find that in the sources.");
    expect(shown).toContain('📄 003_00d230ab06dfad54.txt · lines 3–5');
    expect(shown.match(/📄/g)).toHaveLength(1);
    expect(shown).not.toContain('must not be shown');
  });
});

describe('custom_ids', () => {
  it('fit in 100 characters and carry everything their handler needs', () => {
    const answer = answerMessage(
      { question: 'Who is Laura Watson?', passage: passage('text'), position: { rank: 3, total: 10 } },
      undefined,
      true,
    );
    const ids = [answer, { components: [postButtons([passage('a'), passage('b', { id: 'fedcba9876543210' })])] }]
      .flatMap(({ components }) => components.flatMap((row) => row.components))
      .map((button) => ('custom_id' in button ? button.custom_id : ''));
    expect(ids).toEqual([
      'ask:previous:2',
      'ask:next:4',
      'src:0123456789abcdef',
      'pin',
      'vote:up:0123456789abcdef',
      'vote:down:0123456789abcdef',
      'post:0123456789abcdef',
      'post:fedcba9876543210',
    ]);
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(CUSTOM_ID_LIMIT);
  });
});

describe('buttons', () => {
  it('are the JSON discord.js builders made, without the cost of building them', () => {
    const built = new ButtonBuilder().setCustomId('pin').setLabel('Pin').setEmoji('📌').setStyle(ButtonStyle.Secondary);
    // The builder adds `animated: false` to a Unicode emoji, which Discord ignores.
    const { emoji, ...rest } = built.toJSON() as { emoji: { name: string } };
    expect(button('pin', 'Pin', ButtonStyle.Secondary, { emoji: '📌' })).toEqual({ ...rest, emoji: { name: emoji.name } });
    const disabled = new ButtonBuilder().setCustomId('ask:next:1').setLabel('Next match').setStyle(ButtonStyle.Primary).setDisabled(true);
    expect(button('ask:next:1', 'Next match', ButtonStyle.Primary, { disabled: true })).toEqual(disabled.toJSON());
  });

  it('refuse a custom_id or a label longer than Discord takes', () => {
    expect(() => button('x'.repeat(CUSTOM_ID_LIMIT + 1), 'Label', ButtonStyle.Primary)).toThrow(RangeError);
    expect(() => button('id', 'x'.repeat(BUTTON_LABEL_LIMIT + 1), ButtonStyle.Primary)).toThrow(RangeError);
    expect(button('x'.repeat(CUSTOM_ID_LIMIT), 'x'.repeat(BUTTON_LABEL_LIMIT), ButtonStyle.Primary).custom_id).toHaveLength(
      CUSTOM_ID_LIMIT,
    );
  });
});

describe('autocomplete', () => {
  it('names a suggestion with an excerpt and its source, within 100 characters', () => {
    const text = `${'Intro words here. '.repeat(3)}Laura Watson, of the English Collective of Prostitutes, said ${'more '.repeat(50)}`;
    const suggestion: ExplainedPassage = passage(text, { bestSentence: [rangeOf(text, 'Laura')[0], text.length] });
    const name = suggestionName(suggestion);
    expect(name.length).toBeLessThanOrEqual(AUTOCOMPLETE_CHOICE_LIMIT);
    expect(name).toMatch(/^Laura Watson, of the English Collective .*… · 003_00d230ab06dfad54\.txt line 20$/);
  });

  it('carries the passage id and what was typed in a value of at most 100 characters', () => {
    const value = passageChoiceValue('0123456789abcdef', 'who is laura '.repeat(20));
    expect(value.length).toBeLessThanOrEqual(AUTOCOMPLETE_CHOICE_LIMIT);
    expect(parsePassageChoice(value)).toEqual({ passageId: '0123456789abcdef', question: expect.stringMatching(/^who is laura .*…$/) });
    expect(parsePassageChoice('Who is Laura Watson?')).toBeUndefined();
  });
});
