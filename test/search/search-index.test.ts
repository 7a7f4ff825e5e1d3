import fc from 'fast-check';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import { loadSources, SYNONYMS_FILE } from '../../src/corpus/load.js';
import { indexPassages } from '../../src/library.js';
import { analyze, tokenize } from '../../src/search/analyzer.js';
import { findByInitials, parseSynonyms } from '../../src/search/expansions.js';
import { Bm25Scorer, invertedIndexFromMiniSearch } from '../../src/search/scorer.js';
import { DEFAULT_RANKING, SearchIndex } from '../../src/search/search-index.js';
import { SNAPSHOT_FORMAT, type SearchIndexSnapshot } from '../../src/search/snapshot.js';
import { SEED_DATA } from '../helpers.js';

/** Questions that use every structure of the index: terms, corrections, acronyms, synonyms, names, numbers. */
const QUESTIONS = [
  'Who is Laura Watson?',
  'Are most migrant sex workers in London trafficked?',
  'polcie raids on flats in Soho',
  'met police freefone numbr to report trafficking',
  'What does ECOP say about criminalising clients?',
  'What did the ECP say?',
  'What does WATW want from the next Mayor?',
  'What do the Met say about punters?',
  'walk-ups in Chinatown',
  'How many women were arrested? 2,600',
  'What is the weather in Leeds?',
  '',
];
/** Questions still being typed, as autocomplete sees them. */
const PARTIALS = ['laura wat', 'sex workers pol', 'soho walk-u', 'redbridge coun', 'e', 'traficking vic'];

async function seedIndex(): Promise<{ index: SearchIndex; synonyms: ReturnType<typeof parseSynonyms>['groups'] }> {
  const sources = await loadSources(SEED_DATA);
  const { groups: synonyms } = parseSynonyms(await readFile(path.join(SEED_DATA, SYNONYMS_FILE), 'utf8'));
  return { index: indexPassages(sources, synonyms).index, synonyms };
}

/** The index written out and read back as the persisted index does. */
function roundTrip(index: SearchIndex, synonyms: Parameters<typeof SearchIndex.restore>[1]): SearchIndex {
  return SearchIndex.restore(deserialize(serialize(index.snapshot())) as SearchIndexSnapshot, synonyms);
}

const termOf = (word: string) => tokenize(word)[0]?.terms[0];

describe('the search index', () => {
  it('read back from its snapshot, plans and ranks every question exactly as built', async () => {
    const { index, synonyms } = await seedIndex();
    const restored = roundTrip(index, synonyms);
    for (const question of QUESTIONS) {
      expect(restored.search(question, { limit: Infinity })).toEqual(index.search(question, { limit: Infinity }));
    }
    for (const partial of PARTIALS) {
      const options = { limit: 25, prefixLastWord: true };
      expect(restored.search(partial, options)).toEqual(index.search(partial, options));
    }
    expect(restored.maxIdf).toBe(index.maxIdf);
  });

  it('read back, still corrects typos and completes the word being typed', async () => {
    const { index, synonyms } = await seedIndex();
    const restored = roundTrip(index, synonyms);
    const [misspelt] = restored.plan('polcie raids').words;
    expect(misspelt?.known).toBe(true);
    expect(misspelt?.terms).toContainEqual({ term: termOf('police'), weight: 0.8 });
    const typing = restored.plan('laura wat', { prefixLastWord: true }).words[1];
    expect(typing?.terms).toContainEqual({ term: termOf('watson'), weight: 0.6 });
    const { hits } = restored.search('laura wat', { limit: 5, prefixLastWord: true });
    expect(hits.length).toBeGreaterThan(0);
  });

  it('keeps the best passages, in order, whatever the limit', async () => {
    const { index } = await seedIndex();
    for (const question of QUESTIONS) {
      const all = index.search(question, { limit: Infinity }).hits;
      for (let limit = 0; limit <= 12; limit++) {
        expect(index.search(question, { limit }).hits).toEqual(all.slice(0, limit));
      }
    }
  });

  it('finds an acronym the sources never spell out by the initials of any of their names', () => {
    const nameWords = ['Women', 'at', 'the', 'Well', 'English', 'Collective', 'of', 'Prostitutes', 'Met', 'Ébène', 'Cell'];
    const names = fc.array(fc.array(fc.constantFrom(...nameWords), { minLength: 2, maxLength: 6 }), { maxLength: 40 });
    const letter = fc.constantFrom('W', 'A', 'T', 'E', 'C', 'P', 'M', 'É', 'O');
    const acronym = fc.string({ unit: letter, minLength: 2, maxLength: 5 });
    fc.assert(
      fc.property(names, acronym, (knownNames, asked) => {
        fc.pre((tokenize(asked)[0]?.terms.length ?? 0) > 0); // "AM", "AT": stop words, not searched at all
        // An index of no passages: every word of a question is unknown, so an acronym is sought by initials.
        const index = new SearchIndex([], { groups: [], names: knownNames });
        const expected = new Map<string, number>();
        for (const name of findByInitials(knownNames, asked).map((found) => analyze(found.join(' ')))) {
          const weight = DEFAULT_RANKING.expansionWeight / name.length;
          for (const term of name) expected.set(term, Math.max(weight, expected.get(term) ?? 0));
        }
        const [word] = index.plan(`${asked}?`).words;
        expect(word?.terms).toEqual([...expected].map(([term, weight]) => ({ term, weight })));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a snapshot of another format, or one whose parts do not fit together', async () => {
    const { index, synonyms } = await seedIndex();
    const good = deserialize(serialize(index.snapshot())) as SearchIndexSnapshot;
    const [text, ...others] = good.fields;
    if (text === undefined) throw new Error('the index has no fields');
    const damaged: SearchIndexSnapshot[] = [
      { ...good, format: SNAPSHOT_FORMAT + 1 },
      { ...good, documentCount: good.documentCount - 1 },
      { ...good, termLengths: good.termLengths.subarray(1) },
      { ...good, documentFrequency: good.documentFrequency.subarray(1) },
      { ...good, fields: others },
      { ...good, fields: [{ ...text, documents: text.documents.map(() => good.documentCount) }, ...others] },
      { ...good, fields: [{ ...text, offsets: text.offsets.subarray(1) }, ...others] },
      { ...good, fields: [{ ...text, frequencies: text.frequencies.subarray(1) }, ...others] },
      { ...good, acronyms: undefined as unknown as SearchIndexSnapshot['acronyms'] },
      { ...good, vocabulary: { ...good.vocabulary, counts: good.vocabulary.counts.subarray(1) } },
    ];
    for (const snapshot of damaged) expect(() => SearchIndex.restore(snapshot, synonyms)).toThrow();
    expect(() => SearchIndex.restore(good, synonyms)).not.toThrow();
  });
});

describe('BM25', () => {
  it('scores each field of the index MiniSearch built as MiniSearch itself scores it', () => {
    // Fields hold index terms separated by spaces, as the search index fills them.
    const documents = [
      { id: 0, text: 'police raid flat soho police', context: 'sex worker soho', title: 'met police' },
      { id: 1, text: 'sex worker fine redbridge', context: 'police raid flat soho police', title: 'redbridge council' },
      { id: 2, text: 'outreach worker visit flat week week week', context: '', title: 'met police' },
      { id: 3, text: 'trafficking victim support', context: 'outreach worker visit', title: '' },
    ];
    const split = (field: string) => field.split(' ').filter((term) => term !== '');
    const boosts = { text: 1, context: 0.2, title: 0.2 };
    const bm25 = { k: 1.2, b: 0.5, d: 0 };
    const fields = ['text', 'context', 'title'];
    const miniSearch = new MiniSearch({ fields, tokenize: split, processTerm: (term) => term });
    miniSearch.addAll(documents);
    const index = invertedIndexFromMiniSearch(miniSearch, fields, new Map());
    const scorer = new Bm25Scorer(index, [boosts.text, boosts.context, boosts.title], bm25.k, bm25.b);

    for (const question of [['police'], ['police', 'soho'], ['worker', 'week', 'redbridge'], ['met'], ['unknown']]) {
      const expected = miniSearch.search(question.join(' '), { boost: boosts, bm25 });
      const scoring = scorer.score(
        question.map((term, word) => ({ term, weight: 1, words: [{ word, weight: 1 }] })),
        question.map(() => ({ idf: 1 })),
      );
      const touched = [...scoring.touched.subarray(0, scoring.touchedCount)];
      expect(touched.sort()).toEqual(expected.map((result) => result.id as number).sort());
      // MiniSearch multiplies a document's sum by how many of the question's terms it holds.
      for (const result of expected) {
        expect(scoring.bm25[result.id as number]).toBeCloseTo(result.score / result.queryTerms.length, 12);
      }
    }
  });
});
