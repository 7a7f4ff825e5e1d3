import { describe, expect, it } from 'vitest';
import type { Source } from '../../src/corpus/types.js';
import { indexPassages } from '../../src/library.js';

function indexOf(texts: Record<string, string>) {
  const sources: Source[] = Object.entries(texts).map(([file, text]) => ({
    file,
    title: text.split('\n')[0] ?? file,
    text,
    bytes: text.length,
  }));
  return indexPassages(sources, []).index;
}

const index = indexOf({
  'police.txt': 'Police raided three flats on Saturday night and arrested two men.\n',
  'laws.txt': 'New laws on drinking in the street came in last year.\n',
  'charity.txt': 'The charity National Ugly Mugs (NUM) works to end violence against sex workers.\n',
  'letter.txt': 'Women at the Well runs a drop-in. Write to Women at The Well at its King’s Cross address.\n',
});
/** The words of a small English dictionary, as the model's vocabulary would hold them. */
const ENGLISH = new Set(['who', 'was', 'did', 'the', 'lads', 'run', 'what', 'does', 'do', 'want', 'police']);
const modelKnows = (word: string) => ENGLISH.has(word);

describe('the question as the embedding model reads it', () => {
  it('corrects a word that neither the sources nor the model know to the sources’ word one edit away', () => {
    expect(index.readableQuestion('Who was arested?', modelKnows)).toBe('Who was arrested?');
    expect(index.readableQuestion('polcie raid', modelKnows)).toBe('police raid');
  });

  it('leaves real words, names, numbers and distant words as asked', () => {
    // "lads" is one edit from the sources' "laws", but a word the model knows.
    expect(index.readableQuestion('Did the lads run?', modelKnows)).toBe('Did the lads run?');
    expect(index.readableQuestion('Did Lads run?', () => false)).toBe('Did Lads run?');
    expect(index.readableQuestion('Did the lads run?', () => false)).toBe('Did the laws run?');
    expect(index.readableQuestion('flats in 2O14', modelKnows)).toBe('flats in 2O14');
    expect(index.readableQuestion('what about arrrrested', modelKnows)).toBe('what about arrrrested');
  });

  it('spells out an acronym by the one long form the sources give its initials', () => {
    expect(index.readableQuestion('What does NUM do?', modelKnows)).toBe('What does NUM (National Ugly Mugs) do?');
    expect(index.readableQuestion('What does WATW want?', modelKnows)).toBe(
      'What does WATW (Women at the Well) want?',
    );
    expect(index.readableQuestion('What does the BBC say?', modelKnows)).toBe('What does the BBC say?');
  });

  it('never throws, and leaves a question with nothing to mend as it is', () => {
    for (const question of ['', '😀🎉', '???', 'x'.repeat(3000), 'the of and']) {
      expect(index.readableQuestion(question, modelKnows)).toBe(question);
    }
  });
});
