import fc from 'fast-check';
import SearchableMap from 'minisearch/SearchableMap';
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { allowedEdits, editDistance, Vocabulary, type VocabularySnapshot } from '../../src/search/spelling.js';

/**
 * The vocabulary as it was first written, over MiniSearch's radix tree: what the sorted-array Vocabulary must answer,
 * word for word, since corrections and completions decide which passages a question finds.
 */
class TreeVocabulary {
  private readonly words = new SearchableMap<number>();

  add(word: string): void {
    this.words.update(word, (count = 0) => count + 1);
  }

  completions(prefix: string, max: number): string[] {
    if (prefix.length < 3) return this.words.has(prefix) ? [prefix] : [];
    const found: Array<[string, number]> = [...this.words.atPrefix(prefix)];
    found.sort((a, b) => Number(b[0] === prefix) - Number(a[0] === prefix) || b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return found.slice(0, max).map(([word]) => word);
  }

  corrections(word: string, max = 2): string[] {
    const edits = allowedEdits(word.length);
    if (edits === 0) return [];
    const candidates = new Map<string, number>();
    for (const [candidate, [count]] of this.words.fuzzyGet(word, edits)) candidates.set(candidate, count);
    for (let at = 0; at + 1 < word.length; at++) {
      const swapped = word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2);
      const count = this.words.get(swapped);
      if (count !== undefined) candidates.set(swapped, count);
    }
    const scored: Array<{ word: string; distance: number; count: number }> = [];
    for (const [candidate, count] of candidates) {
      const distance = editDistance(word, candidate, edits);
      if (distance <= edits && candidate !== word && candidate[0] === word[0]) {
        scored.push({ word: candidate, distance, count });
      }
    }
    scored.sort((a, b) => a.distance - b.distance || b.count - a.count || (a.word < b.word ? -1 : 1));
    const best = scored[0]?.distance;
    return scored.filter((entry) => entry.distance === best).slice(0, max).map((entry) => entry.word);
  }
}

/** Words over a few letters (so that many lie within an edit or two of each other), an accent and an emoji. */
const letter = fc.constantFrom('a', 'b', 'c', 'd', 'é', '😀');
const word = (minLength: number, maxLength: number) => fc.string({ unit: letter, minLength, maxLength });
/** Words with how often each occurs. */
const occurrences = fc.array(fc.tuple(word(1, 9), fc.integer({ min: 1, max: 4 })), { maxLength: 120 });

function both(words: ReadonlyArray<readonly [string, number]>): { vocabulary: Vocabulary; reference: TreeVocabulary } {
  const vocabulary = new Vocabulary();
  const reference = new TreeVocabulary();
  for (const [text, count] of words) {
    for (let time = 0; time < count; time++) {
      vocabulary.add(text);
      reference.add(text);
    }
  }
  return { vocabulary, reference };
}

/** The vocabulary written out and read back as the persisted index does. */
function roundTrip(vocabulary: Vocabulary): Vocabulary {
  return Vocabulary.restore(deserialize(serialize(vocabulary.snapshot())) as VocabularySnapshot);
}

describe('the vocabulary', () => {
  it('corrects exactly as the radix tree it replaced', () => {
    fc.assert(
      fc.property(occurrences, fc.array(word(3, 11), { minLength: 1, maxLength: 12 }), (words, asked) => {
        const { vocabulary, reference } = both(words);
        // Misspellings of known words too: the words corrections are for.
        const typos = words.slice(0, 6).flatMap(([known]) => [`${known}a`, known.slice(1), `b${known.slice(1)}`]);
        for (const question of [...asked, ...typos]) {
          expect(vocabulary.corrections(question)).toEqual(reference.corrections(question));
          expect(vocabulary.corrections(question, 1)).toEqual(reference.corrections(question, 1));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('completes exactly as the radix tree it replaced', () => {
    fc.assert(
      fc.property(occurrences, fc.array(word(0, 5), { minLength: 1, maxLength: 12 }), fc.nat(9), (words, prefixes, max) => {
        const { vocabulary, reference } = both(words);
        const known = words.slice(0, 4).map(([text]) => text);
        for (const prefix of [...prefixes, ...known, ...known.map((text) => text.slice(0, 3))]) {
          expect(vocabulary.completions(prefix, max)).toEqual(reference.completions(prefix, max));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('answers the same once written out and read back', () => {
    fc.assert(
      fc.property(occurrences, fc.array(word(0, 10), { minLength: 1, maxLength: 12 }), (words, asked) => {
        const { vocabulary } = both(words);
        const restored = roundTrip(vocabulary);
        for (const question of asked) {
          expect(restored.corrections(question)).toEqual(vocabulary.corrections(question));
          expect(restored.completions(question, 8)).toEqual(vocabulary.completions(question, 8));
          expect(restored.has(question)).toBe(vocabulary.has(question));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('completes a word being typed to itself first, then to the most frequent words it starts', () => {
    const { vocabulary } = both([['pol', 1], ['police', 5], ['policy', 3], ['polite', 3], ['pole', 1], ['pa', 9]]);
    expect(vocabulary.completions('pol', 3)).toEqual(['pol', 'police', 'policy']);
    expect(vocabulary.completions('poli', 8)).toEqual(['police', 'policy', 'polite']);
    expect(vocabulary.completions('pa', 8)).toEqual(['pa']);
    expect(vocabulary.completions('po', 8)).toEqual([]);
  });

  it('takes words added after it was first asked', () => {
    const vocabulary = new Vocabulary();
    vocabulary.add('police');
    expect(vocabulary.corrections('polcie')).toEqual(['police']);
    vocabulary.add('policy');
    vocabulary.add('policy');
    expect(vocabulary.completions('poli', 8)).toEqual(['policy', 'police']);
    expect(roundTrip(vocabulary).completions('poli', 8)).toEqual(['policy', 'police']);
  });

  it('refuses a persisted form that does not add up', () => {
    const snapshot = new Vocabulary().snapshot();
    expect(() => Vocabulary.restore({ ...snapshot, wordLengths: Uint32Array.of(3) })).toThrow();
    const short = { words: 'abc', wordLengths: Uint32Array.of(2), counts: Uint32Array.of(1) };
    expect(() => Vocabulary.restore(short)).toThrow();
    expect(() => Vocabulary.restore({ ...snapshot, counts: [] as unknown as Uint32Array })).toThrow();
  });
});
