import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Library } from '../../src/library.js';
import type { SemanticOptions } from '../../src/semantic/semantic-search.js';
import { dataFolder } from '../helpers.js';
import { FIXTURE, IN_ITS_WORDS, PARAPHRASE } from './fixture.js';
import gatedMinilm, { closeGate, openGate, removeGate } from './gated-model.js';

let cacheDir: string;
beforeEach(async () => {
  cacheDir = await mkdtemp(path.join(tmpdir(), 'citebot-vector-cache-'));
});
afterEach(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

function openHybrid(dataDir: string, options: Partial<SemanticOptions> = {}): Promise<Library> {
  return Library.open({ dataDir, semantic: { cacheDir, ...options } });
}

function progressOf(library: Library) {
  const status = library.searchStatus;
  if (status.mode !== 'hybrid') throw new Error('the library should search in hybrid mode');
  return { state: status.state, ...status.progress };
}

const files = (answer: { results: readonly { file: string }[] }) => answer.results.map((result) => result.file);

describe('passage vectors', () => {
  it('are computed once: the library opened again is hybrid at once, reading none again', async () => {
    const dir = await dataFolder(FIXTURE);
    const first = await openHybrid(dir);
    expect(progressOf(first).state).toBe('building');
    expect(await first.semanticSearchComplete()).toBe(true);
    expect(progressOf(first)).toMatchObject({ state: 'ready', passages: 5, passagesDone: 5, passagesStored: 0 });

    const again = await openHybrid(dir);
    expect(progressOf(again)).toMatchObject({ state: 'ready', passages: 5, passagesStored: 5 });
  });

  it('are computed again only for the passage that changed', async () => {
    const dir = await dataFolder(FIXTURE);
    expect(await (await openHybrid(dir)).semanticSearchComplete()).toBe(true);
    await writeFile(path.join(dir, 'trains.txt'), 'Buses to the coast run every hour on weekdays.\n');

    const changed = await openHybrid(dir);
    expect(progressOf(changed)).toMatchObject({ state: 'building', passages: 5, passagesStored: 4 });
    expect(await changed.semanticSearchComplete()).toBe(true);
    expect(progressOf(changed)).toMatchObject({ passagesDone: 5, passagesStored: 4 });
  });
});

describe('hybrid ranking', () => {
  it('ranks a passage that says the same in other words above one that only shares words', async () => {
    const dir = await dataFolder(FIXTURE);
    const library = await openHybrid(dir);
    expect(await library.semanticSearchComplete()).toBe(true);
    const byWords = files(await (await Library.open({ dataDir: dir })).answer(PARAPHRASE));
    expect(byWords.indexOf('gallery.txt')).toBeLessThan(byWords.indexOf('care.txt'));
    const byWordsAndMeaning = files(await library.answer(PARAPHRASE));
    expect(byWordsAndMeaning.indexOf('care.txt')).toBeLessThan(byWordsAndMeaning.indexOf('gallery.txt'));
  });

  it('sets apart the sentence closest in meaning, in a passage that holds none of the words asked', async () => {
    const library = await openHybrid(
      await dataFolder({
        'clinic.txt':
          'The drop-in opens on Tuesdays from ten. Half of the people who come cannot register with a family doctor. ' +
          'Tea and toast are free.\n',
        'trains.txt': FIXTURE['trains.txt'],
      }),
    );
    expect(await library.semanticSearchComplete()).toBe(true);
    const [best] = (await library.answer('How many struggle to get a GP?')).results;
    expect(best?.file).toBe('clinic.txt');
    const bestSentence = best?.text.slice(...best.bestSentence);
    expect(bestSentence).toBe('Half of the people who come cannot register with a family doctor.');
  });

  it('finds a clause buried in a long sentence, and sets the whole sentence apart', async () => {
    const longSentence =
      'We hope you will work with the partner agencies on housing, transport, schools, libraries, parks and the ' +
      'arts to take a joined-up approach to planning for the city over the coming decade (there is a notable ' +
      'trend where we now support a third of the people who come to us to register with a family doctor) and we ' +
      'would welcome a chance to meet your team in the new year to discuss the budget for every one of these areas.';
    const library = await openHybrid(
      await dataFolder({
        'letter.txt': `${longSentence}\n`,
        // Closer in meaning than the long sentence read whole: yet it does not say how many.
        'drop-in.txt': 'Once a week a family doctor visits patients at our drop-in.\n',
        'trains.txt': FIXTURE['trains.txt'],
      }),
    );
    expect(await library.semanticSearchComplete()).toBe(true);
    const [best] = (await library.answer('How many of them need help seeing a GP?')).results;
    expect(best?.file).toBe('letter.txt');
    expect(best?.text.slice(...best.bestSentence)).toBe(longSentence);
  });

  it('still finds by their words what the sources say, and refuses what they do not', async () => {
    const dir = await dataFolder(FIXTURE);
    const library = await openHybrid(dir);
    expect(await library.semanticSearchComplete()).toBe(true);
    const raid = await library.answer(IN_ITS_WORDS);
    expect(raid.search).toBe('hybrid');
    expect(raid.answered).toBe(true);
    expect(raid.results[0]?.file).toBe('police.txt');
    // Asked in other words, sharing only "women" with its answer: words alone rank another passage first; words and
    // meaning find it, but it is not close enough in meaning to be posted as the answer: it is shown as related.
    const byWords = await (await Library.open({ dataDir: dir })).answer(PARAPHRASE);
    expect(byWords.answered).toBe(false);
    const paraphrase = await library.answer(PARAPHRASE);
    expect(paraphrase.verdict).toBe('related');
    expect(paraphrase.results[0]?.file).toBe('care.txt');
    const offTopic = ['What is the weather in Leeds?', 'Who painted the Mona Lisa?', 'how do I reset my password'];
    for (const question of offTopic) {
      expect((await library.answer(question)).answered).toBe(false);
    }
  });
});

describe('questions read for meaning', () => {
  it('are read with their typos corrected to the sources’ words, and real words left as asked', async () => {
    const laws = 'New laws on drinking in the street came in last year.\n';
    const library = await openHybrid(await dataFolder({ 'police.txt': FIXTURE['police.txt'], 'laws.txt': laws }));
    expect(await library.semanticSearchComplete()).toBe(true);
    const ranking = async (question: string) =>
      (await library.answer(question)).results.map((result) => [result.file, result.bestSentence]);
    // "arested" is in neither the sources nor the model's vocabulary: a typo of the sources' "arrested".
    expect(await ranking('Who was arested after the raid?')).toEqual(await ranking('Who was arrested after the raid?'));
  });
});

describe('while passage vectors are being computed', () => {
  beforeEach(closeGate);
  afterEach(removeGate);

  it('answers by words at once, then by words and meaning once they are complete', async () => {
    const dir = await dataFolder(FIXTURE);
    const lexical = await Library.open({ dataDir: dir });
    const library = await openHybrid(dir, { model: gatedMinilm });

    expect(progressOf(library).state).toBe('building');
    const byWords = await library.answer(PARAPHRASE);
    expect(byWords.search).toBe('lexical');
    expect(files(byWords)).toEqual(files(await lexical.answer(PARAPHRASE)));

    await openGate();
    expect(await library.semanticSearchComplete()).toBe(true);
    const answer = await library.answer(PARAPHRASE);
    expect(answer.search).toBe('hybrid');
    const hybrid = files(answer);
    expect(hybrid.indexOf('care.txt')).toBeLessThan(hybrid.indexOf('gallery.txt'));
  });
});
