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
 * A Vocabulary as stored in a persisted index: its words in order, end to end in one string (one string reads back
 * far faster than thousands), with each word's length and count.
 */
export interface VocabularySnapshot {
  readonly words: string;
  readonly wordLengths: Uint32Array;
  readonly counts: Uint32Array;
}

/**
 * The words of the sources, by their folded surface form, for correcting a question's misspelt words
 * ("traficking" → "trafficking") and completing the word being typed. Only words that occur in no passage are
 * corrected.
 *
 * The words are kept sorted, with their counts in a typed array: the words sharing a prefix are then one run of the
 * array, found by binary search, and a persisted vocabulary is read back without building a tree.
 */
export class Vocabulary {
  /** Words added since the vocabulary was last sorted, with how often each was added. */
  #added = new Map<string, number>();
  /** Every word, sorted by UTF-16 code units (as `<` compares strings). */
  #words: string[] = [];
  /** How often each word of `words` occurs in the sources. */
  #counts: Uint32Array = new Uint32Array(0);

  add(word: string): void {
    this.#added.set(word, (this.#added.get(word) ?? 0) + 1);
  }

  has(word: string): boolean {
    return this.#indexOf(word) !== -1;
  }

  /**
   * The most frequent known words that start with `prefix` (the prefix itself first, if it is a word), for a word
   * still being typed. A prefix of fewer than 3 characters completes to nothing: it would stand for too much.
   */
  completions(prefix: string, max: number): string[] {
    if (prefix.length < 3) return this.has(prefix) ? [prefix] : [];
    const { words, counts } = this.#sorted();
    const [start, end] = this.#prefixRange(prefix, 0, words.length);
    // The prefix itself, when it is a word, comes first of the run (nothing sorts between a word and its
    // extensions) and first of the completions; the others follow by count, then in order.
    const exact = words[start] === prefix ? 1 : 0;
    const best: number[] = [];
    if (exact === 1 && max > 0) best.push(start);
    for (let at = start + exact; at < end; at++) {
      const count = counts[at] as number;
      // Words are met in order, so one only passes those of lower count: at equal counts the one met first wins.
      let position = best.length;
      while (position > exact && count > (counts[best[position - 1] as number] as number)) position--;
      if (position < max) {
        best.splice(position, 0, at);
        if (best.length > max) best.pop();
      }
    }
    return best.map((at) => words[at] as string);
  }

  /** The known words closest to `word` (fewest edits, then most frequent), or none when nothing is close enough. */
  corrections(word: string, max = 2): string[] {
    const edits = allowedEdits(word.length);
    if (edits === 0) return [];
    const { words, counts } = this.#sorted();
    // Words within `edits` Levenshtein edits, where a swap of neighbouring letters costs 2: swaps are tried one by
    // one instead, which is far cheaper than searching one edit further.
    const candidates = new Map<string, number>();
    for (const at of this.#withinEdits(word, edits)) candidates.set(words[at] as string, counts[at] as number);
    for (let at = 0; at + 1 < word.length; at++) {
      const swapped = word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2);
      const found = this.#indexOf(swapped);
      if (found !== -1) candidates.set(swapped, counts[found] as number);
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

  /** The vocabulary in its persisted form (sharing its counts, to be written out, not changed). */
  snapshot(): VocabularySnapshot {
    const { words, counts } = this.#sorted();
    return { words: words.join(''), wordLengths: Uint32Array.from(words, (word) => word.length), counts };
  }

  /** A vocabulary read back from its persisted form; throws when the form is not whole. */
  static restore(snapshot: VocabularySnapshot): Vocabulary {
    const { words: joined, wordLengths, counts } = snapshot;
    if (typeof joined !== 'string' || !(wordLengths instanceof Uint32Array) || !(counts instanceof Uint32Array)) {
      throw new Error('the vocabulary is not in its persisted form');
    }
    if (counts.length !== wordLengths.length) throw new Error('the vocabulary has words without counts');
    const words = new Array<string>(wordLengths.length);
    let offset = 0;
    for (let at = 0; at < wordLengths.length; at++) {
      const end = offset + (wordLengths[at] as number);
      words[at] = joined.slice(offset, end);
      offset = end;
    }
    if (offset !== joined.length) throw new Error('the vocabulary’s word lengths do not add up to its words');
    const vocabulary = new Vocabulary();
    vocabulary.#words = words;
    // A buffer of its own: Node's deserializer gives a view into all the bytes it read, which would keep them alive.
    vocabulary.#counts = counts.byteLength === counts.buffer.byteLength ? counts : counts.slice();
    return vocabulary;
  }

  /** The words in order, with the words added since last time merged in. */
  #sorted(): { readonly words: readonly string[]; readonly counts: Uint32Array } {
    if (this.#added.size > 0) {
      const all = this.#added;
      for (const [at, word] of this.#words.entries()) all.set(word, (all.get(word) ?? 0) + (this.#counts[at] as number));
      this.#words = [...all.keys()].sort();
      this.#counts = Uint32Array.from(this.#words, (word) => all.get(word) ?? 0);
      this.#added = new Map();
    }
    return { words: this.#words, counts: this.#counts };
  }

  /** The position of `word`, or -1. */
  #indexOf(word: string): number {
    const { words } = this.#sorted();
    const at = this.#lowerBound(word, 0, words.length);
    return words[at] === word ? at : -1;
  }

  /** The first position in [start, end) whose word is not before `word`. */
  #lowerBound(word: string, start: number, end: number): number {
    const words = this.#words;
    let low = start;
    let high = end;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((words[middle] as string) < word) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The run [start, end) of the words in [from, to) that start with `prefix`. */
  #prefixRange(prefix: string, from: number, to: number): [start: number, end: number] {
    const words = this.#words;
    const start = this.#lowerBound(prefix, from, to);
    // From `start` on, the words that start with the prefix come first, then those after it.
    let low = start;
    let high = to;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((words[middle] as string).startsWith(prefix)) low = middle + 1;
      else high = middle;
    }
    return [start, low];
  }

  /** The end of the run of words that start with `prefix`, the first of which is at `from`, in [from, to). */
  #endOfPrefix(prefix: string, from: number, to: number): number {
    const words = this.#words;
    // Runs skipped are mostly short: gallop from `from` before searching by halves.
    let step = 1;
    while (from + step < to && (words[from + step] as string).startsWith(prefix)) step *= 2;
    let low = from + (step >> 1) + 1;
    let high = Math.min(from + step, to);
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((words[middle] as string).startsWith(prefix)) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /**
   * Positions of the words within `maxEdits` Levenshtein edits of `word` that start with its first character (the
   * only ones `corrections` keeps). The sorted words are walked as the paths of a trie: a word reuses the rows of
   * the edit-distance matrix for the prefix it shares with the word before, and every word under a prefix already
   * too far from `word` is skipped at once.
   */
  #withinEdits(word: string, maxEdits: number): number[] {
    const words = this.#words;
    const [start, end] = this.#prefixRange(word.slice(0, 1), 0, words.length);
    const columns = word.length + 1;
    // A prefix longer than this is more than maxEdits insertions away from the word, as is every word under it.
    const maxDepth = word.length + maxEdits;
    // rows[depth * columns + j]: edits between the candidate's first `depth` characters and the word's first j.
    // Only cells within maxEdits of the diagonal are computed; the others stay at maxEdits + 1, which is at most
    // what they hold and all any path through them needs (it is past the limit already).
    const tooMany = maxEdits + 1;
    const rows = new Int32Array((maxDepth + 1) * columns).fill(tooMany);
    for (let j = 0; j < columns; j++) rows[j] = j;
    for (let depth = 1; depth <= maxDepth; depth++) rows[depth * columns] = depth;
    const codes = Int32Array.from({ length: word.length }, (_, j) => word.charCodeAt(j));
    const found: number[] = [];
    let previous = '';
    // Rows 0..validDepth hold the matrix for `previous`'s prefix of that length.
    let validDepth = 0;
    for (let at = start; at < end; ) {
      const candidate = words[at] as string;
      let depth = 0;
      const shared = Math.min(validDepth, candidate.length, previous.length);
      while (depth < shared && candidate.charCodeAt(depth) === previous.charCodeAt(depth)) depth++;
      let tooFar = false;
      while (depth < candidate.length) {
        depth++;
        if (depth > maxDepth) {
          tooFar = true;
          break;
        }
        const row = depth * columns;
        const above = row - columns;
        const char = candidate.charCodeAt(depth - 1);
        let rowMinimum = depth;
        const last = Math.min(columns - 1, depth + maxEdits);
        for (let j = Math.max(1, depth - maxEdits); j <= last; j++) {
          const substitution = (rows[above + j - 1] as number) + (codes[j - 1] === char ? 0 : 1);
          const deletion = (rows[above + j] as number) + 1;
          const insertion = (rows[row + j - 1] as number) + 1;
          const value = Math.min(substitution, deletion, insertion);
          rows[row + j] = value;
          if (value < rowMinimum) rowMinimum = value;
        }
        if (rowMinimum > maxEdits) {
          tooFar = true;
          break;
        }
      }
      previous = candidate;
      if (tooFar) {
        // No word under this prefix can come within maxEdits: go on after all of them.
        validDepth = depth - 1;
        at = this.#endOfPrefix(candidate.slice(0, depth), at, end);
        continue;
      }
      validDepth = depth;
      if ((rows[depth * columns + columns - 1] as number) <= maxEdits) found.push(at);
      at++;
    }
    return found;
  }
}
