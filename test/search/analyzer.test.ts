import { describe, expect, it } from 'vitest';
import { analyze, tokenize } from '../../src/search/analyzer.js';
import { learnAcronyms, parseSynonyms, Expander } from '../../src/search/expansions.js';
import { Vocabulary, editDistance } from '../../src/search/spelling.js';

describe('the analyzer', () => {
  it('folds curly quotes, dashes and case, drops possessives and stop words, and stems', () => {
    expect(analyze('The ECP’s Niki Adams — “It’s very serious”')).toEqual(analyze("the ecp's niki adams - \"it's very serious\""));
    expect(analyze('Westminster’s borough commander')).toEqual(['westminst', 'borough', 'command']);
    expect(analyze('What is the weather in Leeds?')).toEqual(['weather', 'leed']);
  });

  it('brings spellings and word forms together', () => {
    expect(analyze('organisation')).toEqual(analyze('organization'));
    expect(analyze('found')).toEqual(analyze('finding'));
    expect(analyze('trafficked')).toEqual(analyze('trafficking'));
    expect(analyze('ﬁnance')).toEqual(analyze('finance')); // NFKC
  });

  it('keeps numbers findable as they are written', () => {
    expect(analyze('at least 2,600 women')).toContain('2600');
    expect(analyze('a £20,000 trial')).toContain('20000');
    expect(analyze('Only 6%of the')).toEqual(['6']);
    expect(analyze('call 0800 783 2589')).toEqual(['call', '0800', '783', '2589']);
    expect(analyze('murdered in 2014')).toContain('2014');
    expect(analyze('1.2 million')).toContain('1.2');
  });

  it('finds hyphenated words whole and by their parts', () => {
    expect(analyze('COVID-19')).toEqual(['covid19', 'covid', '19']);
    expect(analyze('walk-ups')).toEqual(expect.arrayContaining(['walkup', 'walk']));
  });

  it('gives offsets into the original text, even after folding', () => {
    const text = 'The ECP’s “Niki” — said';
    for (const token of tokenize(text)) {
      expect(text.slice(token.start, token.end).toLowerCase().replace('’', "'")).toContain(token.word.slice(0, 3));
    }
  });

  it('never throws, whatever it is given', () => {
    for (const input of ['', '😀😀😀', '\u0000\u200b\u202e', 'x'.repeat(10_000), '__proto__ constructor', '((([', 'مرحبا']) {
      expect(() => analyze(input)).not.toThrow();
    }
    expect(analyze('😀😀😀')).toEqual([]);
  });
});

describe('acronyms and synonyms', () => {
  it('learns acronyms defined in the text, and acronyms used alone whose initials name a phrase there', () => {
    const { groups } = learnAcronyms([
      'The English Collective of Prostitutes (ECOP) warns. Later the ECP said so. The English Collective of Prostitutes wrote.',
      'Organisation National Ugly Mugs (NUM), whose mission is',
    ]);
    const phrases = groups.map((group) => group.phrases.map((phrase) => phrase.join(' ')).sort());
    expect(phrases).toContainEqual(['ecop', 'ecp', 'english collect prostitut'].sort());
    expect(phrases).toContainEqual(['nation ugli mug', 'num']);
  });

  it('expands a phrase of a group to the others', () => {
    const expander = new Expander(parseSynonyms('Met = Metropolitan Police\npunters = clients = customers').groups);
    const phrases = (text: string) => expander.expand(analyze(text)).map(({ phrase }) => phrase);
    expect(phrases('the Met said')).toEqual([analyze('Metropolitan Police')]);
    expect(phrases('Metropolitan Police officers')).toEqual([analyze('Met')]);
    expect(phrases('punters')).toEqual([analyze('clients'), analyze('customers')]);
    // Where the phrase stands, so that its expansion counts for those words.
    expect(expander.expand(analyze('officers of the Metropolitan Police'))).toEqual([
      { start: 1, length: 2, phrase: analyze('Met') },
    ]);
  });

  it('reports synonym lines it cannot use, and skips comments', () => {
    const { groups, problems } = parseSynonyms('# comment\nthe = a\nMet = Metropolitan Police # the London force\nalone');
    expect(groups).toHaveLength(1);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/line 2/);
  });
});

describe('spelling', () => {
  it('counts a swap of neighbouring letters as one edit', () => {
    expect(editDistance('polcie', 'police', 2)).toBe(1);
    expect(editDistance('chinatwon', 'chinatown', 2)).toBe(1);
    expect(editDistance('abc', 'xyz', 1)).toBe(2);
  });

  it('corrects a misspelt word to a known one, and leaves short or distant words alone', () => {
    const vocabulary = new Vocabulary();
    for (const word of ['police', 'trafficking', 'election', 'elected', 'needs', 'rather']) vocabulary.add(word);
    expect(vocabulary.corrections('polcie')).toEqual(['police']);
    expect(vocabulary.corrections('traficking')).toEqual(['trafficking']);
    expect(vocabulary.corrections('electon')).toEqual(['election']);
    expect(vocabulary.corrections('leeds')).toEqual([]); // first letters differ: another word, not a typo
    expect(vocabulary.corrections('weather')).toEqual([]);
    expect(vocabulary.corrections('pol')).toEqual([]);
  });
});
