/**
 * The README's example questions, asked of data/ as the README says: each one answers (or is refused) as written
 * there, and stays in the README, so that the two cannot drift apart.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../src/library.js';
import { openHybridSeed, SEED_DATA } from './helpers.js';

const README = path.resolve(import.meta.dirname, '..', 'README.md');

let readme: string;
let lexical: Library;
let hybrid: Library;
beforeAll(async () => {
  // Prose is wrapped: a question may run over a line break.
  readme = (await readFile(README, 'utf8')).replace(/\s+/g, ' ');
  lexical = await Library.open({ dataDir: SEED_DATA });
  hybrid = await openHybridSeed();
});

/** [question, the file whose passage answers it, words of the answer] */
const ANSWERED: ReadonlyArray<readonly [string, string, string]> = [
  ['Who is Laura Watson?', '002_b621c17d5ab6b26c.txt', 'ECOP spokesperson Laura Watson'],
  ['How old was Mariana Popa when she was murdered?', '001_b70c8c2c48ac1558.txt', '24-year-old'],
  ['Did one of the men have a knife?', '000_5be5de7e3b6445fb.txt', 'produced a knife'],
];

const REFUSED_IN_BOTH_MODES = ['What is the weather in Leeds?'];

/** On the sources' subject, not answered by any passage as asked. */
const RELATED_IN_HYBRID = ["What is the Metropolitan Police's annual budget?", 'Who murdered Mariana Popa?'];

describe('the README examples, on data/', () => {
  it.each(ANSWERED)('"%s" is answered by words and meaning from %s', async (question, file, words) => {
    expect(readme).toContain(question);
    const answer = await hybrid.answer(question);
    expect(answer.answered).toBe(true);
    expect(answer.search).toBe('hybrid');
    expect(answer.results[0]?.file).toBe(file);
    expect(answer.results[0]?.text).toContain(words);
  });

  it.each(REFUSED_IN_BOTH_MODES)('"%s" is refused in both modes', async (question) => {
    expect(readme).toContain(question);
    expect((await lexical.answer(question)).answered).toBe(false);
    expect((await hybrid.answer(question)).answered).toBe(false);
  });

  it.each(RELATED_IN_HYBRID)('"%s" is related, not answered, in hybrid search', async (question) => {
    expect(readme).toContain(question);
    expect(await hybrid.answer(question)).toMatchObject({ verdict: 'related', answered: false });
  });

  it('"How do I change the oil in my car?" is answered by words alone, and refused by meaning', async () => {
    const question = 'How do I change the oil in my car?';
    expect(readme).toContain(question);
    expect((await lexical.answer(question)).answered).toBe(true);
    expect(await hybrid.answer(question)).toMatchObject({ answered: false, reason: 'off-subject' });
  });
});
