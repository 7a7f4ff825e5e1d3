import { beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../src/library.js';
import { dataFolder, openHybridSeed, SEED_DATA } from './helpers.js';

let library: Library;
beforeAll(async () => {
  library = await Library.open({ dataDir: SEED_DATA });
});

/** The same sources searched by words and meaning. */
let hybrid: Library;
beforeAll(async () => {
  hybrid = await openHybridSeed();
});

async function top(question: string) {
  const answer = await library.answer(question);
  return { answer, best: answer.results[0] };
}

describe('answers from the seed sources', () => {
  it.each([
    ['Who is Laura Watson?', '002_b621c17d5ab6b26c.txt', 'ECOP spokesperson Laura Watson'],
    ['How old was Mariana Popa?', '001_b70c8c2c48ac1558.txt', 'Mariana Popa - a 24-year-old woman'],
    ['How many women did ACPO find had been trafficked?', '003_00d230ab06dfad54.txt', 'at least 2,600 women'],
    ['What is the free phone number for reporting trafficking?', '003_00d230ab06dfad54.txt', '0800 783 2589'],
    ['Where is the Women at the Well drop-in?', '004_9f6caa180c69c262.txt', "based in the King's Cross area"],
  ])('%s', async (question, file, quote) => {
    const { answer, best } = await top(question);
    expect(answer.answered).toBe(true);
    expect(best?.file).toBe(file);
    expect(best?.text).toContain(quote);
  });

  it('quotes the source verbatim and cites the lines the passage stands on', async () => {
    const { best } = await top('Who is Laura Watson?');
    const source = library.source(best!.file)!;
    const lines = source.text.split('\n').slice(best!.lines[0] - 1, best!.lines[1]).join('\n');
    expect(lines).toContain(best!.text);
    expect(best!.title).toBe(source.title);
  });

  it('finds a misspelt word', async () => {
    expect((await top('polcie traficking freephone')).best?.text).toMatch(/police|trafficking/i);
    expect((await top('when was the latest walk up raid in chinatwon')).best?.text).toContain('Chinatown');
  });

  it('finds an acronym by its long form and the long form by its acronym', async () => {
    expect((await top('International Union of Sex Workers')).best?.text).toContain('IUSW');
    expect((await top('What did the IUSW say?')).best?.text).toMatch(/IUSW|International Union of Sex Workers/);
    // "ECP" is never spelt out in the sources that say "ECOP": both stand for the English Collective of Prostitutes.
    expect((await top("What did the ECP's Laura Watson say?")).best?.text).toContain('Laura Watson');
  });

  it('finds an acronym the sources never use, by the initials of a name they hold', async () => {
    const answer = await library.answer('What does WATW want from the next Mayor?');
    expect(answer.results[0]?.file).toBe('004_9f6caa180c69c262.txt');
    const marked = answer.results[0]!.highlights.map(([start, end]) => answer.results[0]!.text.slice(start, end));
    expect(marked).toEqual(expect.arrayContaining(['Women', 'Well']));
  });

  it('sets apart the sentence that carries the question, and marks its words', async () => {
    const { best } = await top('How old was Mariana Popa and when was she murdered?');
    const sentence = best!.text.slice(...best!.bestSentence);
    expect(sentence).toContain('Mariana Popa');
    const marked = best!.highlights.map(([start, end]) => best!.text.slice(start, end));
    expect(marked).toEqual(expect.arrayContaining(['Mariana', 'Popa', 'murdered']));
  });

  it('returns the top K passages, best first', async () => {
    const answer = await library.answer('police', { top: 3 });
    expect(answer.results).toHaveLength(3);
    const scores = answer.results.map((result) => result.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });
});

describe.each(['lexical', 'hybrid'] as const)('questions the sources do not answer (%s search)', (mode) => {
  const ask = (question: string) => (mode === 'hybrid' ? hybrid : library).answer(question);

  it.each([
    'What is the weather in Leeds?',
    'how do I reset my password',
    'What is the capital of France?',
    'Who won the World Cup in 2018?',
  ])('%s is not answered', async (question) => {
    expect((await ask(question)).answered).toBe(false);
  });

  it('says why: nothing asked, nothing known, or too weak a match', async () => {
    expect((await ask('')).reason).toBe('empty-question');
    expect((await ask('😀🎉😀')).reason).toBe('empty-question');
    expect((await ask('the of and what')).reason).toBe('empty-question');
    expect((await ask('What are the symptoms of diabetes?')).reason).toBe('no-known-words');
    expect((await ask('What is the weather in London today?')).reason).toBe('weak-match');
  });

  it('survives a 6,000-character question, and still answers one that is about the sources', async () => {
    const rambling = `${'Soho '.repeat(600)}${'x'.repeat(3000)}`;
    await expect(ask(rambling)).resolves.toBeDefined();
    const pasted = `${'Redbridge council fines punters on the street. '.repeat(130)}`;
    expect(pasted.length).toBeGreaterThan(6000);
    expect((await ask(pasted)).results[0]?.file).toMatch(/^00[12]_/);
  });
});

describe('questions the sources do not answer, by meaning (hybrid search)', () => {
  it('refuses a question that shares common words with the sources but nothing of their subject', async () => {
    // Lexical search alone answers these: "change", "car", "phone" and "charge" all occur in the sources.
    for (const question of ['How do I change the oil in my car?', "My phone won't charge, what should I try?"]) {
      expect((await library.answer(question)).answered).toBe(true);
      const answer = await hybrid.answer(question);
      expect(answer.answered).toBe(false);
      expect(answer.reason).toBe('off-subject');
    }
  });

  it('still answers a name the model cannot place, when a passage holds every word of it', async () => {
    const answer = await hybrid.answer('Del Campbell');
    expect(answer.answered).toBe(true);
    expect(answer.results[0]?.text).toContain('Del Campbell');
  });
});

describe('autocomplete suggestions', () => {
  it('finds passages while the last word is still being typed', () => {
    const suggestions = library.suggest('Laura Wat');
    expect(suggestions[0]?.text).toContain('Laura Watson');
    expect(library.suggest('traffick', 25).length).toBeLessThanOrEqual(25);
    expect(library.suggest('')).toEqual([]);
  });
});

describe('looking passages up', () => {
  it('by id, by line, and with their neighbours', () => {
    const passage = library.passageAtLine('003_00d230ab06dfad54.txt', 36)!;
    expect(passage.lines[0]).toBeLessThanOrEqual(36);
    expect(passage.lines[1]).toBeGreaterThanOrEqual(36);
    expect(library.passage(passage.id)).toBe(passage);
    expect(library.passage('0000000000000000')).toBeUndefined();
    const around = library.neighbours(passage, 1);
    expect(around).toContain(passage);
    expect(around.every((other) => other.file === passage.file)).toBe(true);
    expect(library.passagesOf('003_00d230ab06dfad54.txt').length).toBeGreaterThan(1);
  });
});

describe('the synonyms file', () => {
  it("lets a server say which phrases mean the same, and warns about lines it can't use", async () => {
    const warnings: string[] = [];
    const dir = await dataFolder({
      'a.txt': 'The Metropolitan Police said it worked hard to prevent trafficking in the capital.',
      'b.txt': 'Residents complained about noise from the late-night market on the high street.',
      'synonyms.txt': 'Met = Metropolitan Police\nnonsense line\n',
    });
    const withSynonyms = await Library.open({ dataDir: dir, warn: (message) => warnings.push(message) });
    expect((await withSynonyms.answer('What did the Met say?')).results[0]?.file).toBe('a.txt');
    expect(withSynonyms.sources.map((source) => source.file)).toEqual(['a.txt', 'b.txt']);
    expect(warnings.join('\n')).toMatch(/synonyms\.txt line 2/);
  });
});
