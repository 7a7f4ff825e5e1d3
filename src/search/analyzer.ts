import { stemmer } from 'stemmer';
import { STOP_WORDS } from './stopwords.js';
import { IRREGULAR_BASE_FORM } from './irregular-verbs.js';

/**
 * The one analyzer for passages and questions, so that both sides of a match are made the same way:
 * Unicode NFKC, curly quotes and dashes folded, lower case, possessive 's dropped, stop words removed, irregular
 * verbs brought to their base form, Porter stemming.
 *
 * Bump ANALYZER_VERSION whenever a change here would give an existing index different terms.
 */
export const ANALYZER_VERSION = 1;

/** A word of the original text, with where it stands and the index terms it gives. */
export interface Token {
  /** Offsets into the original (un-normalised) text, [start, end). */
  readonly start: number;
  readonly end: number;
  /** The folded, lower-case surface form ("westminster" for "Westminster’s"), used for spelling correction. */
  readonly word: string;
  /** Index terms: the stem, and for hyphenated words the stems of the parts too. Empty for stop words. */
  readonly terms: readonly string[];
}

const FOLDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/[\u2018\u2019\u201A\u201B\u2032\u02BC\u0060\u00B4]/g, "'"],
  [/[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/g, '"'],
  [/[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uFE58\uFE63\uFF0D]/g, '-'],
  // Zero-width characters would otherwise split or glue words invisibly.
  [/[\u200B-\u200D\u2060\uFEFF\u00AD]/g, ''],
];

/**
 * NFKC can change a string's length ("ﬁ" → "fi"), which would break offsets, so it is applied per word,
 * after the word boundaries have been found on text whose length the folds keep.
 */
function foldKeepingLength(text: string): string {
  let folded = text;
  for (const [pattern, replacement] of FOLDS) {
    folded = folded.replace(pattern, (match) => (replacement === '' ? '\u0000'.repeat(match.length) : replacement));
  }
  return folded;
}

/**
 * A word: letters, marks and digits, joined by an apostrophe, hyphen, dot, comma or NUL-folded zero-width character
 * when letters or digits stand on both sides ("don't", "COVID-19", "2,600", "1.2", "U.K").
 */
// eslint-disable-next-line no-control-regex -- NUL stands for a zero-width character folded out of the text
const WORD = /[\p{L}\p{M}\p{N}]+(?:[-'.,\u0000]+[\p{L}\p{M}\p{N}]+)*/gu;
const DIGIT = /\p{N}/u;
const PLAIN_WORD = /^[a-z]+$/;

const stemCache = new Map<string, string>();
const STEM_CACHE_LIMIT = 200_000;

/**
 * Porter stem, after bringing an irregular past form to its base ("found" → "find") and British -isation spellings
 * to -ization, so that both spellings meet.
 */
export function stem(word: string): string {
  if (DIGIT.test(word)) return word;
  let cached = stemCache.get(word);
  if (cached === undefined) {
    cached = stemmer(IRREGULAR_BASE_FORM.get(word) ?? word.replace(/isation(s?)$/, 'ization$1'));
    if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
    stemCache.set(word, cached);
  }
  return cached;
}

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}

/** Folds one word of raw text to the form the index knows, before stemming. */
function normaliseWord(raw: string): { word: string; parts: string[] } {
  const lower = raw.toLowerCase();
  // Most words are plain letters: nothing below would change them.
  if (PLAIN_WORD.test(lower)) return { word: lower, parts: [] };
  // eslint-disable-next-line no-control-regex -- see WORD
  let word = raw.replace(/\u0000/g, '').normalize('NFKC').toLowerCase();
  word = word.replace(/'s$/, '').replace(/s'$/, 's');
  // Thousands separators and decimal points in numbers are kept as one number: 2,600 → 2600, 1.2 stays 1.2.
  word = word.replace(/(\d),(?=\d{3}\b)/g, '$1');
  const parts = word.split(/[-.,']+/).filter(Boolean);
  const isDecimal = /^\d+\.\d+$/.test(word);
  const joined = isDecimal ? word : parts.join('');
  return { word: joined, parts: word.includes('-') ? parts : [] };
}

/** Splits text into tokens with offsets and index terms. Never throws, whatever the input. */
export function tokenize(text: string): Token[] {
  const folded = foldKeepingLength(text);
  const tokens: Token[] = [];
  for (const match of folded.matchAll(WORD)) {
    const start = match.index;
    const end = start + match[0].length;
    const { word, parts } = normaliseWord(match[0]);
    if (word === '') continue;
    const terms: string[] = [];
    if (!isStopWord(word)) terms.push(stem(word));
    // A hyphenated word is also findable by its parts: "walk-ups" by "walk", "COVID-19" by "covid".
    for (const part of parts) {
      if (!isStopWord(part)) {
        const partStem = stem(part);
        if (!terms.includes(partStem)) terms.push(partStem);
      }
    }
    tokens.push({ start, end, word, terms });
  }
  return tokens;
}

/** The index terms of a text, in order, with repeats (term frequency matters). */
export function analyze(text: string): string[] {
  const terms: string[] = [];
  for (const token of tokenize(text)) terms.push(...token.terms);
  return terms;
}
