import { analyze } from './analyzer.js';

/**
 * Phrases that mean the same thing in these sources: acronyms learned from the text ("English Collective of
 * Prostitutes (ECOP)") and the pairs of the data folder's synonyms file. A question that holds one phrase of a group
 * is also searched for the others, at a lower weight, so that "ECOP" finds the long form and the long form finds ECOP.
 */
export interface ExpansionGroup {
  /** Each phrase as its sequence of index terms. */
  readonly phrases: ReadonlyArray<readonly string[]>;
}

/** Words that may stand in a long form without giving a letter to its acronym. */
const MINOR_WORDS = new Set(['of', 'and', 'the', 'for', 'at', 'in', 'on', 'to', '&', 'de', 'du', 'la']);

/** An acronym: 2–8 capitals or digits, starting with a capital, maybe a plural s ("PSPOs"). */
const ACRONYM = /^(\p{Lu}[\p{Lu}\d&]{1,7})s?$/u;

/**
 * Does `words` (the words before an acronym, nearest last) end in a long form whose initials spell `acronym`?
 * Minor words may be skipped or may lend their initial ("Women at The Well" → WATW). Returns how many words it takes.
 */
function longFormLength(words: readonly string[], acronym: string): number | undefined {
  const letters = acronym.toLowerCase().replace(/&/g, '');
  // Match from the last letter backwards, each word either giving its initial or (if minor) being skipped.
  const match = (wordIndex: number, letterIndex: number): number | undefined => {
    if (letterIndex < 0) return words.length - 1 - wordIndex;
    if (wordIndex < 0) return undefined;
    const word = words[wordIndex] ?? '';
    const lower = word.toLowerCase();
    const minor = MINOR_WORDS.has(lower);
    if (!minor && !/^\p{Lu}/u.test(word)) return undefined;
    if (lower[0] === letters[letterIndex]) {
      const taken = match(wordIndex - 1, letterIndex - 1);
      if (taken !== undefined) return taken;
    }
    return minor ? match(wordIndex - 1, letterIndex) : undefined;
  };
  const length = match(words.length - 1, letters.length - 1);
  // The long form must start with a word that gives a letter, not with a skipped minor word.
  return length !== undefined && length >= 2 && !MINOR_WORDS.has((words[words.length - length] ?? '').toLowerCase())
    ? length
    : undefined;
}

const WORDS = /[\p{L}\p{N}&]+(?:['’][\p{L}]+)?/gu;

function phraseKey(terms: readonly string[]): string {
  return terms.join(' ');
}

/** What the texts teach about acronyms. */
export interface AcronymKnowledge {
  /** Acronyms with their long forms, as expansion groups. */
  readonly groups: ExpansionGroup[];
  /**
   * Distinct runs of capitalised words ("Women at The Well"), in which an acronym that a question uses but the
   * texts never spell out (WATW) can still be found by its initials.
   */
  readonly names: ReadonlyArray<readonly string[]>;
}

const MAX_NAME_WORDS = 10;

/**
 * Learns acronyms from the texts: explicitly defined ones, "Long Form Words (LFW)", and acronyms used alone
 * ("The ECP's Niki Adams") whose letters are the initials of a capitalised name in the same text.
 */
export function learnAcronyms(texts: readonly string[]): AcronymKnowledge {
  const longForms = new Map<string, Set<string>>(); // acronym (lower case) → long forms (as phrase keys)
  const names = new Map<string, string[]>();

  for (const text of texts) {
    const usedAlone = new Set<string>();
    const textNames: string[][] = [];
    for (const line of text.split('\n')) {
      const words = [...line.matchAll(WORDS)].map((match) => ({ word: match[0], index: match.index }));
      let run: string[] = [];
      const endRun = (): void => {
        while (run.length > 0 && MINOR_WORDS.has((run[run.length - 1] ?? '').toLowerCase())) run.pop();
        if (run.length >= 2 && run.length <= MAX_NAME_WORDS) textNames.push(run);
        run = [];
      };
      for (const [i, { word, index }] of words.entries()) {
        const acronym = ACRONYM.exec(word.replace(/['’]s$/, ''))?.[1];
        if (acronym && /\(\s*$/.test(line.slice(0, index))) {
          const preceding = words.slice(Math.max(0, i - 12), i).map((entry) => entry.word);
          const length = longFormLength(preceding, acronym);
          if (length) addLongForm(longForms, acronym, preceding.slice(preceding.length - length));
        } else if (acronym && acronym.length >= 3) {
          usedAlone.add(acronym);
        }
        if ((/^\p{Lu}/u.test(word) && !acronym) || (run.length > 0 && MINOR_WORDS.has(word.toLowerCase()))) {
          run.push(word);
        } else {
          endRun();
        }
      }
      endRun();
    }
    for (const acronym of usedAlone) {
      if (longForms.has(acronym.toLowerCase())) continue;
      for (const form of findByInitials(textNames, acronym)) addLongForm(longForms, acronym, form);
    }
    for (const name of textNames) names.set(name.join(' '), name);
  }

  // Acronyms that share a long form ("ECP" and "ECOP") join one group.
  const groups = new Map<string, Set<string>>(); // long form key → phrase keys (long form and its acronyms)
  for (const [acronym, forms] of longForms) {
    for (const form of forms) {
      const group = groups.get(form) ?? new Set([form]);
      group.add(phraseKey(analyze(acronym)));
      groups.set(form, group);
    }
  }
  return {
    groups: [...groups.values()]
      .map((phrases) => [...phrases].filter((phrase) => phrase !== '').map((phrase) => phrase.split(' ')))
      .filter((phrases) => phrases.length >= 2)
      .map((phrases) => ({ phrases })),
    names: [...names.values()],
  };
}

/** Stretches of the names whose initials spell the acronym. */
export function findByInitials(names: ReadonlyArray<readonly string[]>, acronym: string): string[][] {
  const found: string[][] = [];
  for (const name of names) {
    for (let end = name.length; end >= 2; end--) {
      const length = longFormLength(name.slice(0, end), acronym);
      if (length) found.push(name.slice(end - length, end));
    }
  }
  return found;
}

function addLongForm(longForms: Map<string, Set<string>>, acronym: string, words: readonly string[]): void {
  const terms = analyze(words.join(' '));
  if (terms.length < 2) return;
  const key = acronym.toLowerCase();
  const forms = longForms.get(key) ?? new Set<string>();
  forms.add(phraseKey(terms));
  longForms.set(key, forms);
}

/**
 * Reads a synonyms file: one group a line, phrases separated by "=" (or ","), "#" starts a comment.
 *   Met = Metropolitan Police
 *   punters = clients = customers
 * Returns the groups and a warning for each line that could not be used.
 */
export function parseSynonyms(text: string): { groups: ExpansionGroup[]; problems: string[] } {
  const groups: ExpansionGroup[] = [];
  const problems: string[] = [];
  for (const [index, rawLine] of text.split(/\r?\n|\r/).entries()) {
    const line = rawLine.replace(/#.*/, '').trim();
    if (line === '') continue;
    const phrases = line
      .split(/[=,]/)
      .map((phrase) => analyze(phrase))
      .filter((terms) => terms.length > 0);
    const distinct = [...new Map(phrases.map((terms) => [phraseKey(terms), terms])).values()];
    if (distinct.length < 2) {
      problems.push(`line ${index + 1}: "${rawLine.trim()}" needs two or more phrases with searchable words, separated by "="`);
      continue;
    }
    groups.push({ phrases: distinct });
  }
  return { groups, problems };
}

/** Finds which groups a question's term sequence holds, and the phrases it should also be searched for. */
export class Expander {
  readonly #byFirstTerm = new Map<string, Array<{ phrase: readonly string[]; group: ExpansionGroup }>>();

  constructor(readonly groups: readonly ExpansionGroup[]) {
    for (const group of groups) {
      for (const phrase of group.phrases) {
        const first = phrase[0];
        if (first === undefined) continue;
        const list = this.#byFirstTerm.get(first) ?? [];
        list.push({ phrase, group });
        this.#byFirstTerm.set(first, list);
      }
    }
  }

  /**
   * For each phrase of a group found in `terms`, the other phrases of its group, with where the phrase found stands
   * (`start`, `length` in terms), so that an expansion counts for the words it stands for.
   */
  expand(terms: readonly string[]): Array<{ start: number; length: number; phrase: readonly string[] }> {
    const found = new Set<string>();
    const extra: Array<{ start: number; length: number; phrase: readonly string[] }> = [];
    for (let start = 0; start < terms.length; start++) {
      for (const { phrase, group } of this.#byFirstTerm.get(terms[start] ?? '') ?? []) {
        if (!phrase.every((term, offset) => terms[start + offset] === term)) continue;
        for (const other of group.phrases) {
          const key = phraseKey(other);
          if (found.has(key) || phraseKey(phrase) === key) continue;
          found.add(key);
          extra.push({ start, length: phrase.length, phrase: other });
        }
      }
    }
    return extra;
  }
}
