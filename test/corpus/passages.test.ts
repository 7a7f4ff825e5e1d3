import { describe, expect, it } from 'vitest';
import { loadSources } from '../../src/corpus/load.js';
import { DEFAULT_PASSAGE_SHAPE, splitIntoPassages } from '../../src/corpus/passages.js';
import type { Source } from '../../src/corpus/types.js';
import { SEED_DATA } from '../helpers.js';

const source = (text: string, file = 'doc.txt'): Source => ({ file, title: 'T', text, bytes: text.length });
const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** Every invariant a citation relies on. */
function expectFaithful(src: Source): void {
  const passages = splitIntoPassages(src);
  const lines = src.text.split('\n');
  const covered = new Set<number>();
  for (const passage of passages) {
    const [first, last] = passage.lines;
    expect(first).toBeGreaterThanOrEqual(1);
    expect(last).toBeGreaterThanOrEqual(first);
    // The quoted text is the source's own text, found exactly on the cited lines.
    expect(lines.slice(first - 1, last).join('\n')).toContain(passage.text);
    expect(passage.text).toBe(passage.text.trim());
    expect(lines[first - 1]).toContain(passage.text.split('\n')[0]);
    for (let line = first; line <= last; line++) covered.add(line);
  }
  // No text is lost: every non-blank line lies in some passage, and every word of the source is quoted somewhere.
  lines.forEach((line, index) => {
    if (line.trim() !== '') expect(covered.has(index + 1), `line ${index + 1} is in no passage`).toBe(true);
  });
  expect(passages.reduce((sum, passage) => sum + words(passage.text), 0)).toBe(words(src.text));
}

describe('passages', () => {
  it('keep every line of the seed sources, with true line numbers', async () => {
    for (const seed of await loadSources(SEED_DATA)) expectFaithful(seed);
  });

  it('keep every line of awkward texts: blank runs, one huge line, Markdown lists, CR-free wrapping', () => {
    const long = Array.from({ length: 60 }, (_, i) => `Sentence number ${i} says a little more here.`).join(' ');
    expectFaithful(source(`\n\n\nTitle\n\n\n${long}\n\nshort\n`));
    expectFaithful(source('# Heading\n\n- one item\n- two item\n\nA paragraph that is\nwrapped by hand over\nthree lines.\n', 'a.md'));
    expectFaithful(source('x'));
    expectFaithful(source('no sentence ends '.repeat(200)));
  });

  it('split a paragraph longer than about 150 words at sentence boundaries', () => {
    const sentences = Array.from({ length: 40 }, (_, i) => `This is sentence ${i} of a very long paragraph.`);
    const passages = splitIntoPassages(source(sentences.join(' ')));
    expect(passages.length).toBeGreaterThan(1);
    for (const passage of passages) {
      expect(words(passage.text)).toBeLessThanOrEqual(DEFAULT_PASSAGE_SHAPE.maxWords);
      expect(passage.text).toMatch(/^This is sentence \d+ .*paragraph\.$/s);
      expect(passage.lines).toEqual([1, 1]);
    }
  });

  it('merge a fragment (heading, dateline, caption) with the paragraph it introduces', () => {
    const body = 'The council has also increased its enforcement presence, CCTV and police patrols in the area.';
    const passages = splitIntoPassages(source(`Friday, 13th February — By Tom Foot\n\n${body}\n\n${'Another. '.repeat(150)}`));
    expect(passages[0]?.text).toContain('By Tom Foot');
    expect(passages[0]?.text).toContain(body);
    expect(passages[0]?.lines).toEqual([1, 3]);
  });

  it('have ids that are stable across runs and change when the text changes', () => {
    const text = 'First paragraph with enough words to stand alone as a passage of its own here.\n';
    const [a] = splitIntoPassages(source(text));
    const [b] = splitIntoPassages(source(text));
    const [c] = splitIntoPassages(source(text.replace('First', 'Changed')));
    expect(a?.id).toMatch(/^[0-9a-f]{16}$/);
    expect(a?.id).toBe(b?.id);
    expect(c?.id).not.toBe(a?.id);
  });
});
