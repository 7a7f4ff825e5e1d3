import SearchableMap from 'minisearch/SearchableMap';

/**
 * Optimal string alignment distance: Levenshtein plus the swap of two neighbouring letters as one edit, the most
 * common typo ("polcie", "chinatwon").
 */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMinimum = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (beforePrevious[j - 2] ?? 0) + 1);
      }
      current.push(value);
      rowMinimum = Math.min(rowMinimum, value);
    }
    if (rowMinimum > limit) return limit + 1;
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length] ?? limit + 1;
}

/** How many edits a word of this length may have and still be taken for a known word. */
export function allowedEdits(length: number): number {
  if (length < 4) return 0;
  return length < 7 ? 1 : 2;
}

/**
 * The words of the sources, by their folded surface form, for correcting a question's misspelt words
 * ("traficking" → "trafficking"). Only words that occur in no passage are corrected.
 */
export class Vocabulary {
  private readonly words = new SearchableMap<number>();

  add(word: string): void {
    this.words.update(word, (count = 0) => count + 1);
  }

  has(word: string): boolean {
    return this.words.has(word);
  }

  /**
   * The most frequent known words that start with `prefix` (the prefix itself first, if it is a word), for a word
   * still being typed. A prefix of fewer than 3 characters completes to nothing: it would stand for too much, and
   * listing its completions would cost more than the search.
   */
  completions(prefix: string, max: number): string[] {
    if (prefix.length < 3) return this.words.has(prefix) ? [prefix] : [];
    const found: Array<[string, number]> = [];
    for (const [word, count] of this.words.atPrefix(prefix)) found.push([word, count]);
    found.sort((a, b) => Number(b[0] === prefix) - Number(a[0] === prefix) || b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return found.slice(0, max).map(([word]) => word);
  }

  /** The known words closest to `word` (fewest edits, then most frequent), or none when nothing is close enough. */
  corrections(word: string, max = 2): string[] {
    const edits = allowedEdits(word.length);
    if (edits === 0) return [];
    // The radix tree finds candidates by Levenshtein distance, where a swap of neighbouring letters costs 2: swaps
    // are tried one by one instead, which is far cheaper than searching the tree one edit further.
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
      // People seldom mistype a word's first letter; a candidate that differs there is more often another word.
      if (distance <= edits && candidate !== word && candidate[0] === word[0]) {
        scored.push({ word: candidate, distance, count });
      }
    }
    scored.sort((a, b) => a.distance - b.distance || b.count - a.count || (a.word < b.word ? -1 : 1));
    const best = scored[0]?.distance;
    return scored.filter((entry) => entry.distance === best).slice(0, max).map((entry) => entry.word);
  }
}
